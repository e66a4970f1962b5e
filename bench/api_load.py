"""Concurrent API clients selling through app servers: each client (a thread with its own
token and keep-alive connection, to the servers in turn) creates a sales order of one line
and processes it, again and again. Used by the bench's API throughput and by the test of
several app servers on one database."""

import http.client
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Sale:
    """What each sale asks for: `quantity` of `product` from `warehouse` to `client`."""

    warehouse: int
    product: int
    client: int
    quantity: str = "1"
    price: str = "10"


@dataclass
class Outcome:
    """Sales that went through, sales refused for want of stock, and anything else (status and
    body, kept to be shown), with the time the clients took."""

    processed: int = 0
    insufficient: int = 0
    other: list[str] = field(default_factory=list)
    seconds: float = 0.0
    codes: Counter = field(default_factory=Counter)


class Client:
    def __init__(self, base_url: str, token: str):
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, path: str, body: dict | None = None) -> tuple[int, dict]:
        self.connection.request("POST", path, body=json.dumps(body or {}), headers=self.headers)
        response = self.connection.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw or b"{}")
        except ValueError:
            return response.status, {"raw": raw[:200].decode(errors="replace")}

    def sell(self, sale: Sale) -> str:
        """One sales order, created then processed: "processed", "insufficient_stock", or what
        else the server answered."""
        lines = [{"product": sale.product, "quantity": sale.quantity, "price": sale.price}]
        body = {"warehouse": sale.warehouse, "client": sale.client, "lines": lines}
        status, created = self.post("/api/v1/documents/sales_order/", body)
        if status != 201:
            return f"create {status}: {created}"
        status, answer = self.post(f"/api/v1/documents/sales_order/{created['id']}/process/")
        if status == 200 and answer.get("status") == "processed":
            return "processed"
        if status == 409 and answer.get("code") == "insufficient_stock":
            return "insufficient_stock"
        return f"process {status}: {answer}"


def sell_concurrently(urls: list[str], tokens: list[str], sales: list[Sale], *, each: int) -> Outcome:
    """`len(tokens)` clients, released together, each selling `each` times (client i sells
    sales[i mod len(sales)] through server i mod len(urls)); every answer counted."""
    barrier = threading.Barrier(len(tokens) + 1)
    results: list[list[str]] = [[] for _ in tokens]

    def work(index: int, token: str) -> None:
        client = Client(urls[index % len(urls)], token)
        try:
            barrier.wait(timeout=60)
            for _ in range(each):
                try:
                    results[index].append(client.sell(sales[index % len(sales)]))
                except (OSError, http.client.HTTPException) as error:
                    results[index].append(f"connection: {error!r}")
                    client = Client(urls[index % len(urls)], token)
        finally:
            client.connection.close()

    threads = [threading.Thread(target=work, args=(i, t)) for i, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=600)
    outcome = Outcome(seconds=time.perf_counter() - began)
    if any(thread.is_alive() for thread in threads):
        outcome.other.append("a client hung")
    for answers in results:
        for answer in answers:
            outcome.codes[answer.split(":")[0]] += 1
            if answer == "processed":
                outcome.processed += 1
            elif answer == "insufficient_stock":
                outcome.insufficient += 1
            else:
                outcome.other.append(answer)
    return outcome
