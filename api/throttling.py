"""The DRF throttle of every API view: `settings.GUDANG_API_RATE_LIMIT` requests a minute per
token, or per user for the browser's session (counted by `api.services.rate_limit`)."""

import math

from django.conf import settings
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from api.authentication import is_token
from api.services import rate_limit


class DatabaseRateThrottle(BaseThrottle):
    def __init__(self):
        self.retry_after: float | None = None

    def allow_request(self, request, view) -> bool:
        limit = settings.GUDANG_API_RATE_LIMIT
        if not limit or not request.user.is_authenticated:
            return True
        bucket = f"token:{request.auth.pk}" if is_token(request.auth) else f"user:{request.user.pk}"
        hits, window_end = rate_limit.hit(bucket)
        if hits <= limit:
            return True
        self.retry_after = max(1, math.ceil((window_end - timezone.now()).total_seconds()))
        return False

    def wait(self) -> float | None:
        return self.retry_after
