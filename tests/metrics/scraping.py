"""One answer of /metrics, parsed as Prometheus parses it."""

from prometheus_client.parser import text_string_to_metric_families


class Scrape:
    """One answer of /metrics, parsed: it must be valid Prometheus text."""

    def __init__(self, text: str):
        self.text = text
        self.families = {
            family.name: family for family in text_string_to_metric_families(text)
        }

    def samples(self, name: str, **labels) -> list:
        """The samples called ``name`` whose labels include ``labels``."""
        return [
            sample
            for family in self.families.values()
            for sample in family.samples
            if sample.name == name and labels.items() <= sample.labels.items()
        ]

    def value(self, name: str, **labels) -> float:
        """The sum of those samples (0 when there are none)."""
        return sum(sample.value for sample in self.samples(name, **labels))
