from django.urls import path

from iro.people import views

urlpatterns = [
    path("staff/leave/", views.staff_leave, name="staff_leave"),
    path("staff/<int:pk>/conferences/", views.move_conferences, name="move_conferences"),
    path("account/", views.my_account, name="my_account"),
]
