"""View decorators: a page needs its area's right and the rights it names, else 403."""

from functools import wraps

from accounts.permissions import require, require_somewhere


def require_area(user, area: str, *rights: str) -> None:
    """Raise `PermissionDenied` unless `user` holds `area` and each of `rights` on at least
    one warehouse (or globally, for rights not bound to warehouses): what a page of an area
    (and the API's resource of it) needs."""
    require(user, area)
    for name in rights:
        require_somewhere(user, name)


def area_view(area: str, *rights: str):
    """Decorate a view of an area (inventory, CRM): the user needs what `require_area` asks."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require_area(request.user, area, *rights)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
