# Only what differs from Django's Spanish formats (FORMAT_MODULE_PATH reads these first, then Django's own).
# Django groups Spanish thousands with a non-breaking space, as the RAE recommends; invoices, ERPs and spreadsheets in
# Spain write a dot ("1.234,50 €"), and that is what Trato's readers compare its figures with.
THOUSAND_SEPARATOR = "."
