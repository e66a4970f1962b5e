from history.services import acting

CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class HistoryMiddleware:
    """Attribute a request's changes to its signed-in user (an API request by token is
    attributed once DRF has authenticated it: `api.authentication`). Only requests that may
    change something get a context: a GET costs nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in CHANGING:
            return self.get_response(request)
        source = "api" if request.path.startswith("/api/") else "web"
        with acting(request.user, source=source, url=request.path):
            return self.get_response(request)
