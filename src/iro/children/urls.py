from django.urls import path

from iro.children import views

urlpatterns = [
    path("children/search/", views.child_search, name="child_search"),
    path("children/new/", views.child_new, name="child_new"),
    path("children/<uuid:public_id>/details/", views.child_details, name="child_details"),
    path(
        "children/<uuid:public_id>/family/adults/new/",
        views.family_adult_new,
        name="family_adult_new",
    ),
    path(
        "children/<uuid:public_id>/family/adults/<int:pk>/",
        views.family_adult_change,
        name="family_adult_change",
    ),
    path(
        "children/<uuid:public_id>/family/adults/<int:pk>/remove/",
        views.family_adult_remove,
        name="family_adult_remove",
    ),
    path("children/<uuid:public_id>/family/", views.child_family, name="child_family"),
    path("children/<uuid:public_id>/referrals/new/", views.referral_new, name="referral_new"),
]
