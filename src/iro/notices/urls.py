from django.urls import path

from iro.notices import views

urlpatterns = [
    path("messages/", views.notice_list, name="notice_list"),
]
