from django.urls import path

from iro.journey import views

urlpatterns = [
    path("", views.home, name="home"),
]
