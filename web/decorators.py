"""View decorators: a page needs its area's right and the rights it names, else 403."""

from functools import wraps

from accounts.permissions import require, require_somewhere


def area_view(area: str, *rights: str):
    """Decorate a view of an area (inventory, CRM): the user needs `area` and each of
    `rights` on at least one warehouse (or globally, for rights not bound to warehouses)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require(request.user, area)
            for name in rights:
                require_somewhere(request.user, name)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
