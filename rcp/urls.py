from django.urls import path

from rcp import views

app_name = "rcp"

urlpatterns = [
    path("", views.ProcessListView.as_view(), name="process-list"),
    path("processes/<slug:slug>/", views.ProcessDetailView.as_view(), name="process-detail"),
]
