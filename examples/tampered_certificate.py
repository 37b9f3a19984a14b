"""How the checker catches a tampered certificate.

A certificate is only as good as the check that accepts it. symmorse's checker is a separate,
short kernel that trusts nothing the search computed: from the widths alone it re-derives the
class and the branches with their dimension counts, and at every witness it recomputes the
backward vectors and the structured Hessian with exact rationals. This example certifies 2,3,1,
then changes one thing at a time -- a determinant, one weight of the witness, the class, a
verdict, a bias -- and shows the first false claim the checker names each time. `symmorse latex`
refuses such a file too: no document is written about a false claim.
"""

import copy
import json

from _common import start, write

from symmorse.exact.errors import CertificateRejected
from symmorse.kernel import check_certificate
from symmorse.present.documents import certificate_document
from symmorse.search.certify import certify

out = start("tampered_certificate", __doc__).out
original = certify("2,3,1").to_json()
print("original:", check_certificate(original).reason)
write(out, "original.json", json.dumps(original, indent=1) + "\n")


def det(d):
    d["branches"][0]["claims"]["det_hessian_residue"] += 1  # det Hess Phi mod p, off by one


def weight(d):
    row = d["branches"][0]["witness"]["W"]["1"][0]
    row[0] += 1


def kind(d):
    d["class"] = "non-augmented"


def verdict(d):
    d["morse"], d["critical_points"] = "fails", "generic"


def bias(d):
    d["branches"][0]["witness"]["biases"]["1"][0] += " + 1/1000"


def undecided(d):
    d["critical_points"], d["morse"], d["status"] = "undecided", "undecided", "undecided"


tampers = [
    ("the residue of det Hess Phi mod p changed by 1", det),
    ("one weight of the witness moved by 1", weight),
    ("the class changed to non-augmented", kind),
    ("the Morse verdict changed to fails", verdict),
    ("a bias moved by 1/1000", bias),
    ("weaker verdicts (undecided): still true, so accepted", undecided),
]
lines = ["| change | checker |", "|---|---|"]
for what, change in tampers:
    data = copy.deepcopy(original)
    change(data)
    result = check_certificate(data)
    verdict_text = result.reason if result.accepted else f"REJECTED: {result.reason}"
    print(f"- {what}\n    {verdict_text}")
    lines.append(f"| {what} | {verdict_text} |")
    write(out, f"tampered_{change.__name__}.json", json.dumps(data, indent=1) + "\n")
    if not result.accepted:
        try:
            certificate_document(data)
        except CertificateRejected as exc:
            print(f"    symmorse latex refuses it: {exc}")
write(out, "report.md", "\n".join(lines) + "\n")
write(out, "original.tex", certificate_document(original, "original.json"))
