"""Site-wide middleware."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Every answer to a signed-in user (pages, htmx fragments, redirects) says
    `Cache-Control: no-store`: a browser's cache or a proxy never keeps what a user was shown
    (stock, prices, clients) for the next person at that computer. Static files are served
    before this runs (WhiteNoise), so they stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
