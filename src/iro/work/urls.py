from django.urls import path

from iro.work import views

urlpatterns = [
    path("work/service/", views.service_work, name="service_work"),
    path("work/bookings/", views.booking_work, name="booking_work"),
    path("work/team/", views.team_work, name="team_work"),
    path("work/challenges/", views.challenge_work, name="challenge_work"),
    path("work/figures/", views.service_figures, name="service_figures"),
]
