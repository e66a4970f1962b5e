from django.urls import path

from notifications.views import notifications, subscriptions

app_name = "notifications"

urlpatterns = [
    path("", notifications.notification_list, name="list"),
    path("<int:pk>/read/", notifications.notification_read, name="read"),
    path("read-all/", notifications.notification_read_all, name="read_all"),
    path("products/<int:pk>/", subscriptions.product_subscription, name="product_subscription"),
    path("categories/<int:pk>/", subscriptions.category_subscription, name="category_subscription"),
    path("subscriptions/<int:pk>/end/", subscriptions.subscription_end, name="subscription_end"),
    path("digest/", subscriptions.digest, name="digest"),
]
