"""Scrapes a Prometheus endpoint and parses it with the Prometheus client's own exposition parser
(Debian's python3-prometheus-client): prints one JSON object with the families in the order served, each with its name, type and samples (a list:
the parser names a counter without its _total, which can be another family's name, as jvm_classes_loaded is).

Usage: /usr/bin/python3 prometheus_scrape.py http://127.0.0.1:<port>/metrics
"""
import json
import math
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def main(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        content_type = response.headers.get("Content-Type", "")
        text = response.read().decode("utf-8")
    families = []
    for family in text_string_to_metric_families(text):
        families.append({
            "name": family.name,
            "type": family.type,
            "samples": [
                # NaN (an empty summary's quantile) and infinities as text: JSON has no such numbers
                {"name": s.name, "labels": s.labels,
                 "value": s.value if math.isfinite(s.value) else str(s.value)}
                for s in family.samples
            ],
        })
    print(json.dumps({"content_type": content_type, "families": families}))


if __name__ == "__main__":
    main(sys.argv[1])
