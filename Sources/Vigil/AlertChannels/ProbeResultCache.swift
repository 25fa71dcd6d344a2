import AlertInvestigation
/// The check results Vigil knows per incident: the latest investigation's, with approved runs merged in. The one
/// place probe results are kept in memory (lost on restart); the alert monitor owns it and writes investigations,
/// approvals add approved runs, and conversation answers and message updates read it.
///
/// Bounded: past ``limit`` incidents the oldest (lowest id) is dropped, so incidents whose source never sends a
/// resolution do not pile up.
public actor ProbeResultCache {
    /// The most incidents whose results are kept.
    public static let limit = 512

    private var results: [Int64: [ProbeResult]] = [:]

    /// An empty cache.
    public init() {}

    /// The results known for an incident, empty when none.
    public func results(of incidentID: Int64) -> [ProbeResult] {
        results[incidentID] ?? []
    }

    /// Replaces an incident's results with those of its latest investigation.
    public func replace(_ newResults: [ProbeResult], of incidentID: Int64) {
        results[incidentID] = newResults
        trim()
    }

    /// Adds results to an incident's (an approved run): a result replaces an earlier one of the same probe name.
    public func merge(_ newResults: [ProbeResult], into incidentID: Int64) {
        var merged = results[incidentID] ?? []
        for result in newResults {
            if let index = merged.firstIndex(where: { $0.name == result.name }) {
                merged[index] = result
            } else {
                merged.append(result)
            }
        }
        results[incidentID] = merged
        trim()
    }

    private func trim() {
        while results.count > Self.limit, let oldest = results.keys.min() {
            results[oldest] = nil
        }
    }
}
