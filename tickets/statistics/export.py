"""A statistics table as CSV for a French spreadsheet: UTF-8 with a byte order mark (so that the accents
open right), semicolons between fields, the caption's rows exactly. A text cell starting with = + - @ (or a
tab or carriage return) is prefixed with an apostrophe, so that a spreadsheet never runs it as a formula."""

import csv
import io

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_csv(table):
    """The text of ``table`` (headers then rows) as CSV, starting with the BOM."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([cell(str(header)) for header in table.headers])
    for row in table.rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()
