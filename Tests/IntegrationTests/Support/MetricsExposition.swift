/// A Prometheus text exposition as fetched from the metrics endpoint, with a lookup of single samples.
struct MetricsExposition {
    /// The whole page.
    let text: String

    init(_ text: String) {
        self.text = text
    }

    /// The value of the sample whose name and labels are exactly `series` (for example
    /// `vigil_envelopes_acked_total{workspace="default"}`), or `nil` if the page has no such line.
    func value(_ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
