"""Demo companies and contacts: Spanish manufacturers and distributors (fictional). Idempotent, keyed on `ref`."""

from trato.accounts.models import User
from trato.partners import services
from trato.partners.models import Partner

# ref, name, kinds, tax id, city, province, postal code, street, phone, email, tags, salesperson, purchasing
COMPANIES = [
    ("C-0001", "Talleres Mecánicos Ebro, S.L.", {"customer"}, "B50123456", "Zaragoza", "Zaragoza", "50014",
     "Polígono Industrial Cogullada, calle C, 12", "976 47 12 30", "pedidos@talleresebro.es",
     ["automoción", "mecanizado"], "ventas", None),
    ("C-0002", "Conservas del Cantábrico, S.A.", {"customer"}, "A39087654", "Santoña", "Cantabria", "39740",
     "Avenida del Puerto, 4", "942 66 10 22", "compras@conservascantabrico.es", ["alimentación"], "ventas", None),
    ("C-0003", "Muebles Levante Hogar, S.L.", {"customer"}, "B46234567", "Yecla", "Murcia", "30510",
     "Carretera de Jumilla, km 2", "968 75 03 44", "info@muebleslevante.es", ["madera", "distribución"],
     "jventas", None),
    ("C-0004", "Distribuciones Eléctricas Guadalquivir, S.L.", {"customer"}, "B41345678", "Sevilla", "Sevilla",
     "41016", "Polígono Store, calle Tipografía, 8", "954 25 88 10", "comercial@deguadalquivir.es",
     ["distribución", "eléctrico"], "jventas", None),
    ("C-0005", "Cerámicas Castellón Export, S.A.", {"customer"}, "A12456789", "Vila-real", "Castellón", "12540",
     "Camí Fondo, 21", "964 52 33 00", "export@ceramicascastellon.es", ["cerámica", "exportación"], None, None),
    ("C-0006", "Bodegas Viña Rioja Alta, S.L.", {"customer"}, "B26567890", "Haro", "La Rioja", "26200",
     "Barrio de la Estación, 7", "941 31 04 56", "administracion@vinariojaalta.es", ["alimentación"], "ventas",
     None),
    ("P-0001", "Envases Plásticos Navarra, S.L.", {"prospect"}, "B31678901", "Tudela", "Navarra", "31500",
     "Polígono La Serna, nave 14", "948 82 19 70", "info@envasesnavarra.es", ["plástico", "feria 2026"], "ventas",
     None),
    ("P-0002", "Industrias Gallegas del Metal, S.A.", {"prospect"}, "A15789012", "Vigo", "Pontevedra", "36214",
     "Parque Tecnológico Valladares, parcela 3", "986 49 27 15", "contacto@igmetal.es", ["automoción"], "jventas",
     None),
    ("P-0003", "Textiles Alcoy Innovación, S.L.", {"prospect"}, "B03890123", "Alcoy", "Alicante", "03802",
     "Calle Santa Rosa, 33", "965 54 12 09", "hola@textilesalcoy.es", ["textil"], None, None),
    ("S-0001", "Aceros y Perfiles del Norte, S.A.", {"supplier"}, "A48901234", "Barakaldo", "Bizkaia", "48903",
     "Polígono Lutxana, pabellón 6", "944 18 55 60", "ventas@acerosnorte.es", ["materia prima", "acero"], None,
     "compras"),
    ("S-0002", "Transportes Hermanos Ruiz, S.L.", {"supplier"}, "B28012345", "Coslada", "Madrid", "28821",
     "Centro de Transportes de Madrid, nave 22", "916 71 40 88", "trafico@transruiz.es", ["logística"], None,
     "jcompras"),
    ("S-0003", "Química Industrial Tarragona, S.A.", {"supplier"}, "A43123450", "Tarragona", "Tarragona", "43006",
     "Polígono Entrevías, calle Sur, 2", "977 54 66 31", "pedidos@quimicatarragona.es",
     ["materia prima", "químico"], None, "compras"),
    ("S-0004", "Embalajes Cartón Burgos, S.L.", {"supplier"}, "B09234561", "Burgos", "Burgos", "09007",
     "Polígono Villalonquéjar, calle López Bravo, 40", "947 29 83 10", "info@embalajesburgos.es", ["embalaje"],
     None, None),
    ("CS-0001", "Fundiciones y Mecanizados Aragón, S.L.", {"customer", "supplier"}, "B50345672", "Huesca",
     "Huesca", "22006", "Polígono Sepes, calle Río Isuela, 9", "974 21 40 17", "oficina@fmaragon.es",
     ["mecanizado", "fundición"], "ventas", "compras"),
    ("C-0007", "Hidráulica Manchega, S.L.", {"customer"}, "B13456783", "Ciudad Real", "Ciudad Real", "13005",
     "Polígono Larache, calle Herreros, 15", "926 22 10 05", "comercial@hidraulicamanchega.es", ["hidráulica"],
     "jventas", None),
]  # fmt: skip

# ref -> (first name, last name, job title, email, phone, mobile)
CONTACTS = {
    "C-0001": [("María", "Lasheras Gil", "Jefa de compras", "m.lasheras@talleresebro.es", "976 47 12 31",
                "600 12 34 56"),
               ("Jorge", "Aznar Blasco", "Responsable de calidad", "calidad@talleresebro.es", "", "620 98 76 54")],
    "C-0002": [("Iñigo", "Revuelta Sainz", "Director de operaciones", "irevuelta@conservascantabrico.es", "",
                "655 21 43 65")],
    "C-0003": [("Encarna", "Ortuño Palao", "Gerente", "encarna@muebleslevante.es", "968 75 03 45", "")],
    "C-0004": [("Rocío", "Benjumea Castro", "Compras", "rocio.benjumea@deguadalquivir.es", "", "699 11 22 33")],
    "C-0005": [("Vicent", "Llorens Climent", "Export manager", "v.llorens@ceramicascastellon.es", "",
                "+34 610 55 44 33")],
    "P-0001": [("Ainhoa", "Goñi Echeverría", "Directora técnica", "agoni@envasesnavarra.es", "", "648 00 11 22")],
    "P-0002": [("Xoán", "Pereira Lago", "Compras", "xpereira@igmetal.es", "986 49 27 16", "")],
    "S-0001": [("Koldo", "Urrutia Etxebarria", "Comercial", "k.urrutia@acerosnorte.es", "", "688 77 66 55")],
    "S-0002": [("Paco", "Ruiz Moreno", "Tráfico", "paco@transruiz.es", "916 71 40 89", "609 45 67 89")],
    "S-0003": [("Montse", "Ferré Vidal", "Atención al cliente", "mferre@quimicatarragona.es", "", "")],
    "CS-0001": [("Pilar", "Sancho Bielsa", "Administración", "pilar@fmaragon.es", "974 21 40 18", ""),
                ("Alberto", "Escartín Lacasa", "Jefe de taller", "taller@fmaragon.es", "", "676 54 32 10")],
}  # fmt: skip


def _user(username: str | None) -> User | None:
    return User.objects.filter(username=username).first() if username else None


def _company_data(row) -> dict:
    ref, name, kinds, tax_id, city, state, postal_code, street, phone, email, tags, sales, purchasing = row
    return {
        "ref": ref, "name": name, "kinds": kinds, "tax_id": tax_id, "city": city, "state": state,
        "postal_code": postal_code, "street": street, "phone": phone, "email": email, "tags": tags,
        "country": "ES", "language": "es", "salesperson": _user(sales), "purchasing_responsible": _user(purchasing),
    }  # fmt: skip


def _contact_data(row) -> dict:
    first_name, last_name, job_title, email, phone, mobile = row
    return {"first_name": first_name, "last_name": last_name, "job_title": job_title, "email": email,
            "phone": phone, "mobile": mobile, "language": "es"}  # fmt: skip


def load() -> None:
    """Create the demo companies that are missing (by ERP code) with their contacts; leave existing ones alone."""
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return  # the accounts demo runs first; without its users there is nobody to record as author
    existing = set(Partner.objects.filter(ref__in=[row[0] for row in COMPANIES]).values_list("ref", flat=True))
    for row in COMPANIES:
        if row[0] in existing:
            continue
        partner = services.partner_create(by=admin, data=_company_data(row))
        for contact in CONTACTS.get(row[0], []):
            services.contact_create(partner=partner, by=admin, data=_contact_data(contact))
