from django.urls import path

from iro.journey import views

urlpatterns = [
    path("", views.home, name="home"),
    path("my-work/", views.my_work, name="my_work"),
    path("children/", views.caseload, name="caseload"),
    path("children/<uuid:public_id>/", views.child_journey, name="child_journey"),
]
