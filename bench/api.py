"""API throughput: sales orders created and processed through the REST API by concurrent
clients, served by gunicorn with 1 and then 2 instances (2 workers each) on the bench's
database. Each client has its own token and sells its own product (one unit a time)."""

import os

from bench.api_load import Sale, sell_concurrently
from bench.servers import app_servers

WORKERS_PER_INSTANCE = 2


def measure(ctx: dict, *, clients: int, each: int) -> list[str]:
    """Print sales orders per second for 1 and 2 instances; return the failures."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from api.services.tokens import create_token
    from inventory.models import StockBalance

    user = get_user_model().objects.get(pk=ctx["user_id"])
    warehouse = ctx["warehouse_ids"][0]
    products = list(
        StockBalance.objects.filter(warehouse_id=warehouse, on_hand__gte=each * 2)
        .order_by("-on_hand", "product_id")
        .values_list("product_id", flat=True)[:clients]
    )
    if len(products) < clients:
        return [f"api: only {len(products)} products with stock for {clients} clients"]
    tokens = [create_token(user=user, by=user, name=f"bench {n}")[1] for n in range(clients)]
    sales = [Sale(warehouse=warehouse, product=p, client=ctx["company_id"]) for p in products]
    failures = []
    print(f"{'instances':>9} | {'workers':>7} | {'sales orders':>12} | {'orders/s':>8} | errors")
    for instances in (1, 2):
        db = settings.DATABASES["default"]
        with app_servers(db, instances=instances, workers=WORKERS_PER_INSTANCE, worker=False) as urls:
            outcome = sell_concurrently(urls, tokens, sales, each=each)
        rate = outcome.processed / outcome.seconds if outcome.seconds else 0.0
        errors = len(outcome.other) + outcome.insufficient
        workers = instances * WORKERS_PER_INSTANCE
        print(f"{instances:>9} | {workers:>7} | {outcome.processed:>12} | {rate:>8.1f} | {errors}")
        if errors or not outcome.processed:
            failures.append(f"api × {instances} instances: {errors} errors, e.g. {outcome.other[:2]}")
    print(f"{clients} clients, {each} sales each; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return failures
