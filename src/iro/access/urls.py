from django.urls import path

from iro.access import views

urlpatterns = [
    path("staff/roles-given/", views.role_grants, name="role_grants"),
]
