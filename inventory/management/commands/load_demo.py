"""Demo data for a first look at Gudang: `manage.py load_demo`.

Idempotent: warehouses, products, companies and users are matched by their natural keys
(code, SKU, name, username) and created only when missing; the demo documents are created
only when the database holds no stock document yet. Running it twice changes nothing.
Existing users keep their passwords unless `--reset-passwords` is given.

The prose of the demo (categories, deal titles, comments, contacts' positions) is written in the
language of `--language` (the site's default language unless given); names stay as they are.

Every document is written through `inventory.services.documents`, like a clerk would, so
balances, the ledger and the costing agree by construction. Each product's stock comes in at
prices a few percent apart (the opening balance, then two deliveries), so that FIFO and the
moving average give it, and the sales, visibly different values.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.catalogue import ADMINISTRATOR, CLERK, DEFAULT_ROLES, STAFF, right
from accounts.permissions import Actor
from accounts.roles import grant_on_warehouses, permissions_named
from crm.models import Company, Contact, Deal
from crm.services.deals import DealInput, RowInput, add_row, create_deal, lose_deal, move_deal
from history.services import acting
from inventory.models import (
    Barcode,
    Category,
    DeliveryStatus,
    DocumentType,
    MinimumStock,
    Product,
    StockDocument,
    Warehouse,
)
from inventory.models.catalog import Unit
from inventory.services.delivery import DeliveryUpdate, change_delivery_status
from inventory.services.documents import (
    Header,
    LineInput,
    cancel_document,
    create_document,
    process_document,
)
from layouts.models import FieldType, LayoutField
from layouts.services import CustomFieldInput, add_custom_field

SEED = 2026
VAT = Decimal("11")  # PPN, Indonesia's VAT

# first name, last name, position: people at the client companies
CONTACTS = [
    ("Andi", "Wijaya", _("Purchasing")),
    ("Rina", "Kusuma", _("Owner")),
    ("Yusuf", "Hakim", _("Store manager")),
]
# title, quantities of its product rows
DEALS = [
    (_("January restock"), [6, 4, 10]),
    (_("Office supplies order"), [3, 12]),
    (_("Weekly wholesale"), [20, 5, 8]),
    (_("Hotel quotation"), [2, 2]),
]

SURABAYA_CLERK = gettext_noop("Warehouse clerk, Surabaya")  # a demo role (its name shown translated: Role.__str__)

# username, password, role, first name, last name. The administrator is also a superuser (Django
# admin in full); `clerk.sby` works in the Surabaya warehouse only.
USERS = [
    ("admin", "gudang-admin-2026", ADMINISTRATOR, "Administrator", "Gudang"),
    ("staff", "gudang-staff-2026", STAFF, "Sari", "Wulandari"),
    ("clerk", "gudang-clerk-2026", CLERK, "Budi", "Santoso"),
    ("clerk.sby", "gudang-clerk-2026", SURABAYA_CLERK, "Dewi", "Lestari"),
]
SURABAYA = "SBY"

# code, name, address, default
WAREHOUSES = [
    ("JKT", "Gudang Utama Jakarta", "Jl. Raya Cakung Cilincing No. 12, Jakarta Timur 13910", True),
    ("SBY", "Gudang Surabaya", "Jl. Rungkut Industri III No. 45, Surabaya 60293", False),
    ("BDG", "Gudang Bandung", "Jl. Soekarno-Hatta No. 210, Bandung 40223", False),
]

# name, tax ID, address, phone, email, supplier, client
COMPANIES = [
    (
        "PT Sumber Makmur Sentosa",
        "01.234.567.8-031.000",
        "Jl. Pluit Raya No. 8, Jakarta Utara",
        "+62 21 6601 2345",
        "order@sumbermakmur.co.id",
        True,
        False,
    ),
    (
        "CV Maju Jaya Elektrik",
        "02.345.678.9-609.000",
        "Jl. Kapasan No. 77, Surabaya",
        "+62 31 371 5566",
        "sales@majujaya-elektrik.co.id",
        True,
        False,
    ),
    (
        "PT Indo Kertas Nusantara",
        "03.456.789.0-415.000",
        "Kawasan Industri Jababeka Blok C3, Bekasi",
        "+62 21 8983 1100",
        "cs@indokertas.co.id",
        True,
        False,
    ),
    (
        "UD Berkah Perkakas",
        "04.567.890.1-423.000",
        "Jl. Jenderal Sudirman No. 155, Bandung",
        "+62 22 420 7788",
        "berkahperkakas@gmail.com",
        True,
        False,
    ),
    (
        "PT Sehat Alami Indonesia",
        "05.678.901.2-038.000",
        "Jl. Daan Mogot Km. 18, Tangerang",
        "+62 21 5565 9000",
        "distribusi@sehatalami.co.id",
        True,
        True,
    ),
    (
        "Toko Sinar Abadi",
        "",
        "Pasar Baru Blok A No. 21, Jakarta Pusat",
        "+62 812 8800 1122",
        "sinarabadi.toko@gmail.com",
        False,
        True,
    ),
    (
        "Minimarket Sejahtera",
        "06.789.012.3-614.000",
        "Jl. Darmo Permai II No. 9, Surabaya",
        "+62 31 732 4411",
        "pembelian@sejahtera-mart.id",
        False,
        True,
    ),
    (
        "PT Karya Bangun Persada",
        "07.890.123.4-441.000",
        "Jl. Pasteur No. 33, Bandung",
        "+62 22 203 6677",
        "procurement@karyabangun.co.id",
        False,
        True,
    ),
    (
        "Hotel Melati Bandung",
        "08.901.234.5-428.000",
        "Jl. Braga No. 60, Bandung",
        "+62 22 423 1000",
        "purchasing@hotelmelati.co.id",
        False,
        True,
    ),
    ("Warung Bu Sri", "", "Jl. Kebon Jeruk Raya No. 4, Jakarta Barat", "+62 857 1234 9876", "", False, True),
]

# SKU prefix: category
CATEGORIES = {
    "MKN": _("Food & Drinks"),
    "RMT": _("Household Supplies"),
    "ELK": _("Electronics"),
    "ATK": _("Office Stationery"),
    "BGN": _("Tools & Building"),
    "PRW": _("Personal Care"),
}
FOOD = "MKN"
# SKU prefix: [(name, unit, selling price in IDR)]
CATALOG = {
    "MKN": [
        ("Beras Pandan Wangi 5 kg", Unit.PACK, 78000),
        ("Beras Curah Medium", Unit.KILOGRAM, 13500),
        ("Minyak Goreng Sawit 2 L", Unit.PACK, 36500),
        ("Gula Pasir Kristal 1 kg", Unit.PACK, 17500),
        ("Kopi Bubuk Robusta Lampung 200 g", Unit.PACK, 24000),
        ("Teh Celup Melati isi 25", Unit.BOX, 8500),
        ("Mie Instan Goreng (dus isi 40)", Unit.BOX, 122000),
        ("Kecap Manis 600 ml", Unit.PIECE, 23500),
        ("Air Mineral 600 ml (dus isi 24)", Unit.BOX, 52000),
        ("Susu UHT Full Cream 1 L", Unit.PIECE, 19500),
        ("Sambal Bawang Botol 340 ml", Unit.PIECE, 27000),
    ],
    "RMT": [
        ("Deterjen Bubuk 1,8 kg", Unit.PACK, 42000),
        ("Sabun Cuci Piring Jeruk Nipis 750 ml", Unit.PIECE, 16500),
        ("Pembersih Lantai Wangi Sereh 800 ml", Unit.PIECE, 18000),
        ("Tisu Wajah 250 lembar", Unit.PACK, 15000),
        ("Kantong Sampah Hitam 60x100", Unit.PACK, 12500),
        ("Sapu Ijuk Gagang Kayu", Unit.PIECE, 35000),
        ("Ember Plastik 20 L", Unit.PIECE, 45000),
        ("Gas Elpiji Refill 12 kg", Unit.PIECE, 210000),
        ("Obat Nyamuk Bakar isi 10", Unit.BOX, 9000),
        ("Pewangi Pakaian Refill 900 ml", Unit.PACK, 21000),
    ],
    "ELK": [
        ("Lampu LED 12 W E27", Unit.PIECE, 32000),
        ("Stop Kontak 4 Lubang + Kabel 3 m", Unit.PIECE, 68000),
        ("Kabel Listrik NYM 2x1,5 mm", Unit.METRE, 9500),
        ("Baterai Alkaline AA isi 4", Unit.PACK, 29000),
        ("Kipas Angin Meja 16 inci", Unit.PIECE, 285000),
        ("Rice Cooker 1,8 L", Unit.PIECE, 389000),
        ("Setrika Listrik 350 W", Unit.PIECE, 165000),
        ("Charger USB-C 20 W", Unit.PIECE, 99000),
        ("Flashdisk 32 GB USB 3.0", Unit.PIECE, 79000),
        ("Senter LED Isi Ulang", Unit.PIECE, 55000),
    ],
    "ATK": [
        ("Kertas HVS A4 70 gsm (rim)", Unit.PACK, 52000),
        ("Kertas HVS F4 80 gsm (rim)", Unit.PACK, 64000),
        ("Pulpen Gel Hitam 0,5 mm (lusin)", Unit.BOX, 36000),
        ("Buku Tulis 58 lembar (pak isi 10)", Unit.PACK, 38000),
        ("Map Plastik Snelhecter (isi 12)", Unit.PACK, 30000),
        ("Stapler HD-10 + Isi Staples", Unit.PIECE, 27500),
        ("Spidol Whiteboard Biru", Unit.PIECE, 9500),
        ("Amplop Cokelat Folio (isi 50)", Unit.BOX, 42000),
        ("Lakban Bening 48 mm x 100 yard", Unit.PIECE, 14500),
        ("Tinta Printer Hitam 70 ml", Unit.PIECE, 98000),
    ],
    "BGN": [
        ("Semen Portland 40 kg", Unit.PIECE, 62000),
        ("Cat Tembok Putih 5 kg", Unit.PIECE, 135000),
        ("Paku Beton 5 cm", Unit.KILOGRAM, 28000),
        ("Pipa PVC 1/2 inci 4 m", Unit.PIECE, 34000),
        ("Obeng Set 6 in 1", Unit.PIECE, 48000),
        ("Palu Kambing 16 oz", Unit.PIECE, 57000),
        ("Meteran Gulung 5 m", Unit.PIECE, 29000),
        ("Sarung Tangan Kerja (lusin)", Unit.PACK, 60000),
        ("Tali Tambang Plastik 10 mm", Unit.METRE, 4500),
        ("Lem Pipa PVC 100 g", Unit.PIECE, 16000),
    ],
    "PRW": [
        ("Sabun Mandi Batang 85 g (isi 4)", Unit.PACK, 17000),
        ("Sampo Lidah Buaya 340 ml", Unit.PIECE, 32500),
        ("Pasta Gigi Herbal 190 g", Unit.PIECE, 14000),
        ("Sikat Gigi Lembut (isi 3)", Unit.PACK, 19500),
        ("Hand Sanitizer 500 ml", Unit.PIECE, 38000),
        ("Minyak Kayu Putih 60 ml", Unit.PIECE, 26000),
        ("Masker Medis 3 Ply (isi 50)", Unit.BOX, 30000),
        ("Popok Bayi Celana M isi 34", Unit.PACK, 98000),
        ("Losion Tabir Surya SPF 30", Unit.PIECE, 45000),
        ("Deodoran Roll-On 50 ml", Unit.PIECE, 21500),
    ],
}
# Units sold in fractions: quantities get decimals.
FRACTIONAL_UNITS = {Unit.KILOGRAM, Unit.LITRE, Unit.METRE}

# How far a delivery's price strays from its round's increase (each product on its own).
DRIFT = [Decimal("-0.01"), Decimal("0"), Decimal("0.01")]

# The carriers that take the orders, and who signs for them at the clients (names, not text).
CARRIERS = ["JNE", "SiCepat", "J&T Express"]
RECEIVERS = ["Budi Santoso", "Siti Aminah", "Dewi Lestari"]
WRITE_OFF_REASONS = [
    _("Damaged in transit"),
    _("Past its expiry date"),
    _("Leaking package"),
]


def ean13(first12: str) -> str:
    """Append the EAN-13 check digit to 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Counts:
    created: int = 0
    existing: int = 0

    def __str__(self) -> str:
        return gettext("%(created)d created, %(existing)d already there") % {
            "created": self.created,
            "existing": self.existing,
        }


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        """Translated when the parser is made: argparse takes no lazy text."""
        return gettext("Load demo warehouses, catalog, companies, users and stock documents (safe to run again).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help=gettext("Set the demo users' passwords back to the demo passwords even if the users exist."),
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help=gettext("The language of the demo's texts (categories, deals, comments); default: %(default)s."),
        )

    def handle(self, *args, reset_passwords: bool = False, language: str = settings.LANGUAGE_CODE, **options):
        with translation.override(language), acting(None, source="command", command="load_demo"):
            self._load(reset_passwords)

    def _load(self, reset_passwords: bool) -> None:
        self.rng = random.Random(SEED)
        with transaction.atomic():
            users = self._users(reset_passwords)
            warehouses = self._warehouses(users)
            self._roles(users, warehouses)
            suppliers, clients = self._companies()
            products = self._catalog()
            self._minimum_stock(products, warehouses)
            self._custom_fields(users, products)
            if StockDocument.objects.exists():
                self.stdout.write(
                    gettext("Documents: the database already has stock documents; no demo documents added.")
                )
            else:
                self._documents(users, warehouses, suppliers, clients, products)
            if Deal.objects.exists():
                self.stdout.write(gettext("Deals: the database already has deals; no demo deals added."))
            else:
                self._deals(users, clients, products)

        examples = Barcode.objects.filter(product__in=products[:2]).select_related("product").order_by("code")
        self.stdout.write(self.style.SUCCESS(gettext("Demo data ready.")))
        for barcode in examples:
            self.stdout.write(
                "  "
                + gettext("Barcode to scan: %(code)s (%(product)s)")
                % {"code": barcode.code, "product": barcode.product}
            )

    # -- users ---------------------------------------------------------------------------------
    def _users(self, reset_passwords: bool) -> dict:
        User = get_user_model()
        counts = Counts()
        users = {}
        for username, password, role, first_name, last_name in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    email=f"{username}@gudang.example.com",
                    first_name=first_name,
                    last_name=last_name,
                    is_staff=role == ADMINISTRATOR,
                    is_superuser=role == ADMINISTRATOR,
                )
                validate_password(password, user)
                user.set_password(password)
                user.save()
                counts.created += 1
            else:
                counts.existing += 1
                if reset_passwords:
                    validate_password(password, user)
                    user.set_password(password)
                    user.save(update_fields=["password"])
            users[username] = user
        if reset_passwords:
            self.stdout.write(gettext("Users: %(counts)s (passwords reset)") % {"counts": counts})
        else:
            self.stdout.write(gettext("Users: %(counts)s") % {"counts": counts})
        return users

    def _roles(self, users, warehouses) -> None:
        """Put each demo user without a role into its role; the Surabaya clerk's role holds the
        clerk's warehouse rights on Surabaya alone (made once, then left to the administrators)."""
        local, created = Group.objects.get_or_create(name=SURABAYA_CLERK)
        if created:
            rights = DEFAULT_ROLES[CLERK]
            local.permissions.set(permissions_named(r for r in rights if not right(r).per_warehouse))
            surabaya = [w for w in warehouses if w.code == SURABAYA]
            grant_on_warehouses(local, [r for r in rights if right(r).per_warehouse], surabaya)
        assigned = 0
        for username, _password, role, *_names in USERS:
            user = users[username]
            if not user.groups.exists():
                user.groups.add(Group.objects.get(name=role))
                assigned += 1
        self.stdout.write(
            ngettext(
                "Roles: %(count)d demo user put in their role",
                "Roles: %(count)d demo users put in their roles",
                assigned,
            )
            % {"count": assigned}
        )

    # -- warehouses and companies --------------------------------------------------------------
    def _warehouses(self, users) -> list[Warehouse]:
        counts = Counts()
        has_default = Warehouse.objects.filter(is_default=True).exists()
        result = []
        for code, name, address, default in WAREHOUSES:
            warehouse = Warehouse.objects.filter(code=code).first()
            if warehouse is None:
                warehouse = Warehouse.objects.create(
                    code=code,
                    name=name,
                    address=address,
                    responsible=users["clerk"] if default else users["admin"],
                    is_default=default and not has_default,
                )
                counts.created += 1
            else:
                counts.existing += 1
            result.append(warehouse)
        self.stdout.write(gettext("Warehouses: %(counts)s") % {"counts": counts})
        return result

    def _companies(self) -> tuple[list[Company], list[Company]]:
        counts = Counts()
        suppliers, clients = [], []
        for name, tax_id, address, phone, email, is_supplier, is_client in COMPANIES:
            company = Company.objects.filter(name=name).order_by("id").first()
            if company is None:
                company = Company.objects.create(
                    name=name,
                    tax_id=tax_id,
                    address=address,
                    phone=phone,
                    email=email,
                    is_supplier=is_supplier,
                    is_client=is_client,
                )
                counts.created += 1
            else:
                counts.existing += 1
            if company.is_supplier:
                suppliers.append(company)
            if company.is_client:
                clients.append(company)
        self.stdout.write(
            gettext("Companies: %(counts)s; suppliers: %(suppliers)d, clients: %(clients)d")
            % {"counts": counts, "suppliers": len(suppliers), "clients": len(clients)}
        )
        return suppliers, clients

    # -- catalog -------------------------------------------------------------------------------
    def _catalog(self) -> list[Product]:
        counts = Counts()
        existing = {p.sku: p for p in Product.objects.filter(sku__in=self._all_skus()).select_related("category")}
        taken_codes = set(Barcode.objects.values_list("code", flat=True))
        products = []
        item = 0
        for prefix, rows in CATALOG.items():
            skus = [f"{prefix}-{number:03d}" for number in range(1, len(rows) + 1)]
            # Loaded before (perhaps in another language): its products keep their category.
            category = next((existing[s].category for s in skus if s in existing and existing[s].category), None)
            if category is None:
                category, _created = Category.objects.get_or_create(name=str(CATEGORIES[prefix]))
            for sku, (name, unit, selling) in zip(skus, rows, strict=True):
                item += 1
                # Purchase margin drawn every time, so the sequence of draws does not depend on
                # what already exists.
                margin = Decimal(self.rng.choice(["0.70", "0.75", "0.78", "0.80", "0.85"]))
                product = existing.get(sku)
                if product is None:
                    product = Product.objects.create(
                        sku=sku,
                        name=name,
                        unit=unit,
                        category=category,
                        selling_price=money(selling),
                        purchase_price=money(Decimal(selling) * margin).quantize(Decimal("1")),
                        vat_rate=VAT,
                    )
                    counts.created += 1
                else:
                    counts.existing += 1
                code = ean13(f"8991234{item:05d}")  # 899: GS1 Indonesia
                if code not in taken_codes:
                    Barcode.objects.create(product=product, code=code)
                    taken_codes.add(code)
                products.append(product)
        self.stdout.write(
            gettext("Products: %(counts)s; categories: %(categories)d") % {"counts": counts, "categories": len(CATALOG)}
        )
        return products

    @staticmethod
    def _all_skus() -> list[str]:
        return [f"{prefix}-{n:03d}" for prefix, rows in CATALOG.items() for n in range(1, len(rows) + 1)]

    def _minimum_stock(self, products, warehouses) -> None:
        rng = random.Random(SEED + 1)
        wanted = []
        for product in products[::4]:  # every fourth product has minimum levels
            for warehouse in warehouses[:2]:
                wanted.append((product, warehouse, Decimal(rng.choice([10, 15, 20, 25, 40]))))
        have = set(
            MinimumStock.objects.filter(product__in=products, warehouse__in=warehouses).values_list(
                "product_id", "warehouse_id"
            )
        )
        new = [MinimumStock(product=p, warehouse=w, quantity=q) for p, w, q in wanted if (p.pk, w.pk) not in have]
        MinimumStock.objects.bulk_create(new)
        counts = Counts(created=len(new), existing=len(wanted) - len(new))
        self.stdout.write(gettext("Minimum stock levels: %(counts)s") % {"counts": counts})

    # -- CRM -----------------------------------------------------------------------------------
    def _deals(self, users, clients, products) -> None:
        """Contacts and open deals whose product rows reserve stock (the default reservation
        mode), and one lost deal; made by the store staff, as they would."""
        staff = users["staff"]
        contacts = []
        for (first, last, position), company in zip(CONTACTS, clients, strict=False):
            contact = Contact.objects.filter(first_name=first, last_name=last).first()
            if contact is None:
                contact = Contact.objects.create(
                    first_name=first,
                    last_name=last,
                    position=str(position),
                    company=company,
                    phone="+62 812 0000 0000",
                )
            contacts.append(contact)
        made = []
        for i, (title, quantities) in enumerate(DEALS):
            company = clients[i % len(clients)]
            deal = create_deal(
                by=staff,
                data=DealInput(title=str(title), company=company, contact=contacts[i] if i < len(contacts) else None),
            )
            for product, quantity in zip(products[i * 7 :: 11], quantities, strict=False):
                add_row(deal, by=staff, row=RowInput(product=product, quantity=Decimal(quantity)))
            made.append(deal)
        in_progress = made[0].pipeline.stages.filter(kind="open").order_by("-sort")[0]
        move_deal(made[1], by=staff, stage=in_progress)
        lose_deal(made[-1], by=staff)
        self.stdout.write(
            gettext("Deals: %(created)d created; open with reservations: %(open)d, lost: 1")
            % {"created": len(made), "open": len(made) - 1}
        )

    # -- configurable forms ----------------------------------------------------------------------
    def _custom_fields(self, users, products) -> None:
        """A "Halal certified" yes/no on products (a list column and filter), answered for the
        food and drink; added once: a field an administrator removed stays removed."""
        if LayoutField.objects.filter(layout__key="product", key="halal").exists():
            self.stdout.write(gettext("Custom fields: already set up."))
            return
        halal = CustomFieldInput(
            key="halal",
            label_en="Halal certified",
            label_id="Bersertifikat halal",
            field_type=FieldType.BOOLEAN,
            help_en="Has a halal certificate (BPJPH).",
            help_id="Memiliki sertifikat halal (BPJPH).",
            in_list=True,
        )
        add_custom_field(by=users["admin"], key="product", data=halal)
        food = [p for p in products if p.sku.startswith(f"{FOOD}-")]
        for product in food:
            product.custom = {**product.custom, "halal": True}
        Product.objects.bulk_update(food, ["custom"])
        self.stdout.write(
            gettext("Custom fields: “Halal certified” on products, answered for %(count)d") % {"count": len(food)}
        )

    # -- documents -----------------------------------------------------------------------------
    def _documents(self, users, warehouses, suppliers, clients, products) -> None:
        rng = random.Random(SEED + 2)
        admin, staff, clerk = users["admin"], users["staff"], users["clerk"]
        jkt, sby, bdg = warehouses
        today = timezone.localdate()
        stock: dict[tuple[int, int], Decimal] = {}  # what the documents below leave on hand
        made = {t: 0 for t in DocumentType}

        def qty(product, low, high) -> Decimal:
            if product.unit in FRACTIONAL_UNITS:
                return Decimal(rng.randint(low * 10, high * 10)) / 10
            return Decimal(rng.randint(low, high))

        def post(doc_type, *, by: Actor, days_ago, header: dict, lines, process=True, comment=""):
            document = create_document(
                doc_type=doc_type,
                by=by,
                header=Header(date=today - timedelta(days=days_ago), comment=comment, **header),
                lines=[LineInput(product=p, quantity=q, price=price) for p, q, price in lines],
            )
            if process:
                process_document(document, by=by)
                made[doc_type] += 1
                self._track(stock, document, lines)
            return document

        def outgoing(warehouse, count, low, high):
            """Lines that take at most half of what `warehouse` holds of each product."""
            candidates = [p for p in products if stock.get((warehouse.pk, p.pk), 0) > 2]
            chosen = rng.sample(candidates, min(count, len(candidates)))
            lines = []
            for product in sorted(chosen, key=lambda p: p.sku):
                asked = min(qty(product, low, high), stock[(warehouse.pk, product.pk)] / 2)
                asked = asked.quantize(Decimal("0.1") if product.unit in FRACTIONAL_UNITS else Decimal("1"))
                if asked > 0:
                    lines.append((product, asked, product.selling_price))
            return lines

        # Opening balances: an adjustment per warehouse, a month ago.
        for warehouse, share, days_ago in ((jkt, 1.0, 40), (sby, 0.7, 39), (bdg, 0.5, 38)):
            chosen = [p for p in products if rng.random() < share]
            post(
                DocumentType.ADJUSTMENT,
                by=clerk,
                days_ago=days_ago,
                header={"warehouse": warehouse},
                lines=[(p, qty(p, 20, 120), p.purchase_price) for p in chosen],
                comment=gettext("Opening balance"),
            )

        # Deliveries from suppliers, each delivering its own categories: two rounds to every
        # warehouse, each a few percent dearer than the stock before it, so that FIFO (the oldest
        # first) and the moving average value the stock and the sales' cost of goods differently.
        by_category: dict[int, list[Product]] = {}
        for product in products:
            by_category.setdefault(product.category_id, []).append(product)
        categories = list(by_category.values())
        invoice = 100
        for days_ago, increase in ((32, Decimal("0.03")), (24, Decimal("0.06"))):
            for w, warehouse in enumerate(warehouses):
                for s, supplier in enumerate(suppliers):
                    goods = [
                        p
                        for c, category in enumerate(categories)
                        if c % len(suppliers) == s
                        for p in category
                        if (warehouse.pk, p.pk) in stock
                    ]
                    if not goods:
                        continue
                    invoice += 1
                    post(
                        DocumentType.RECEIPT,
                        by=clerk,
                        days_ago=days_ago - w,
                        header={"warehouse": warehouse, "supplier": supplier},
                        lines=[
                            (p, qty(p, 10, 40), money(p.purchase_price * (1 + increase + rng.choice(DRIFT))))
                            for p in sorted(goods, key=lambda p: p.sku)
                        ],
                        comment=gettext("Invoice %(number)s") % {"number": f"INV/2026/{invoice:04d}"},
                    )

        # Transfers between the warehouses.
        for i, (source, target) in enumerate(((jkt, sby), (jkt, bdg), (sby, bdg), (jkt, sby))):
            post(
                DocumentType.TRANSFER,
                by=clerk,
                days_ago=20 - i * 2,
                header={"warehouse": source, "destination": target},
                lines=[(p, q, p.purchase_price) for p, q, _price in outgoing(source, 6, 5, 20)],
                comment=gettext("Branch replenishment"),
            )

        # Sales orders to clients.
        orders = []
        for i in range(9):
            warehouse = warehouses[i % 3]
            orders.append(
                post(
                    DocumentType.SALES_ORDER,
                    by=admin,  # store staff enter sales orders; processing them is the administrator's
                    days_ago=13 - i,
                    header={"warehouse": warehouse, "client": clients[i % len(clients)]},
                    lines=outgoing(warehouse, rng.randint(2, 6), 1, 15),
                    comment=gettext("Customer PO %(number)s") % {"number": 7700 + i},
                )
            )

        # Shipments: the older orders are picked, shipped and delivered, the newest wait; one
        # client sent part of an order back.
        for i, order in enumerate(orders[:7]):
            steps = [DeliveryUpdate(status=DeliveryStatus.PICKED)]
            if i < 6:
                carrier = CARRIERS[i % len(CARRIERS)]
                tracking = f"{carrier[:2].upper()}{8800120000 + 37 * i}"
                steps.append(DeliveryUpdate(status=DeliveryStatus.SHIPPED, carrier=carrier, tracking_number=tracking))
            if i < 4:
                steps.append(DeliveryUpdate(status=DeliveryStatus.DELIVERED, received_by=RECEIVERS[i % len(RECEIVERS)]))
            for update in steps:
                change_delivery_status(order, by=clerk, update=update)
        sent_back = orders[0]
        product, quantity, price = next(iter(sent_back.lines.values_list("product", "quantity", "price")))
        back = max(Decimal(1), (quantity / 2).quantize(Decimal(1)))
        post(
            DocumentType.RETURN,
            by=clerk,
            days_ago=2,
            header={"warehouse": sent_back.warehouse, "returned_from": sent_back},
            lines=[(Product.objects.get(pk=product), back, price)],
            comment=gettext("Damaged packaging, sent back by the client"),
        )

        # Write-offs.
        for i, warehouse in enumerate((jkt, sby, bdg)):
            post(
                DocumentType.WRITE_OFF,
                by=clerk,
                days_ago=4 - i,
                header={"warehouse": warehouse, "reason": str(WRITE_OFF_REASONS[i])},
                lines=[(p, q, p.purchase_price) for p, q, _price in outgoing(warehouse, 2, 1, 4)],
            )

        # A stock count in Bandung: counted quantities close to what the books say.
        counted = []
        for product in sorted(rng.sample([p for p in products if (bdg.pk, p.pk) in stock], 8), key=lambda p: p.sku):
            book = stock[(bdg.pk, product.pk)]
            step = Decimal("0.5") if product.unit in FRACTIONAL_UNITS else Decimal(1)
            counted.append((product, max(Decimal(0), book + step * rng.choice([-2, -1, 0, 0, 1])), Decimal(0)))
        post(
            DocumentType.STOCK_COUNT,
            by=clerk,
            days_ago=1,
            header={"warehouse": bdg},
            lines=counted,
            comment=gettext("Monthly stock count"),
        )

        # A receipt entered twice by mistake: processed, then its processing cancelled.
        supplier = suppliers[0]
        duplicate = post(
            DocumentType.RECEIPT,
            by=clerk,
            days_ago=1,
            header={"warehouse": jkt, "supplier": supplier},
            lines=[(p, Decimal(12), p.purchase_price) for p in categories[0][:3]],
            comment=gettext("Entered twice by mistake: a duplicate invoice, cancelled"),
        )
        cancel_document(duplicate, by=admin)
        self._track(stock, duplicate, [], reverse=True)

        # Drafts still being prepared.
        post(
            DocumentType.RECEIPT,
            by=clerk,
            days_ago=0,
            header={"warehouse": sby, "supplier": suppliers[1 % len(suppliers)]},
            lines=[(p, qty(p, 10, 30), p.purchase_price) for p in categories[2][:4]],
            process=False,
            comment=gettext("Waiting for the delivery"),
        )
        post(
            DocumentType.SALES_ORDER,
            by=staff,
            days_ago=0,
            header={"warehouse": jkt, "client": clients[0]},
            lines=outgoing(jkt, 3, 1, 5),
            process=False,
            comment=gettext("Draft order"),
        )

        summary = ", ".join(f"{t.label}: {n}" for t, n in made.items())
        self.stdout.write(
            gettext("Documents processed: %(summary)s (one receipt since cancelled); 2 drafts") % {"summary": summary}
        )

    @staticmethod
    def _track(stock, document, lines, *, reverse=False) -> None:
        """Keep the command's own picture of the balances (to choose quantities that exist)."""
        if reverse:
            for move in document.moves.filter(is_reversal=True):
                key = (move.warehouse_id, move.product_id)
                stock[key] = stock.get(key, Decimal(0)) + move.quantity
            return
        for product, quantity, _price in lines:
            here = (document.warehouse_id, product.pk)
            match document.doc_type:
                case DocumentType.RECEIPT | DocumentType.ADJUSTMENT | DocumentType.RETURN:
                    stock[here] = stock.get(here, Decimal(0)) + quantity
                case DocumentType.WRITE_OFF | DocumentType.SALES_ORDER:
                    stock[here] = stock.get(here, Decimal(0)) - quantity
                case DocumentType.TRANSFER:
                    there = (document.destination_id, product.pk)
                    stock[here] = stock.get(here, Decimal(0)) - quantity
                    stock[there] = stock.get(there, Decimal(0)) + quantity
                case DocumentType.STOCK_COUNT:
                    stock[here] = quantity
