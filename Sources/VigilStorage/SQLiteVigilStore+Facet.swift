import VigilBase

extension SQLiteVigilStore {
    /// A normalised label value that relates incidents to each other (stored in `incident_facets`).
    struct Facet: Hashable, Sendable {
        /// `host`, `service`, `cluster`, `namespace` or `job`.
        var name: String
        /// The normalised (trimmed, lower-cased) value.
        var value: String

        /// Label keys whose values describe a host; `instance` values lose their `:port`.
        private static let hostLabels = ["host", "hostname", "instance"]
        private static let serviceLabels = ["service"]
        private static let plainLabels = ["cluster", "namespace", "job"]

        /// The facets of an alert or incident, deduplicated.
        static func all(host: String?, service: String?, labels: [String: String]) -> Set<Facet> {
            var facets: Set<Facet> = []
            for value in [host] + hostLabels.map({ labels[$0] }) {
                if let value = normalisedHost(value) { facets.insert(Facet(name: "host", value: value)) }
            }
            for value in [service] + serviceLabels.map({ labels[$0] }) {
                if let value = normalised(value) { facets.insert(Facet(name: "service", value: value)) }
            }
            for key in plainLabels {
                if let value = normalised(labels[key]) { facets.insert(Facet(name: key, value: value)) }
            }
            return facets
        }

        private static func normalised(_ value: String?) -> String? {
            guard let value else { return nil }
            let trimmed = String(value.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
                .lowercased()
            return trimmed.isEmpty ? nil : trimmed
        }

        /// Lower-cased, without a trailing `:port` (`web-1:9100` → `web-1`, `[::1]:9100` → `::1`).
        private static func normalisedHost(_ value: String?) -> String? {
            guard var host = normalised(value) else { return nil }
            if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
                host = String(host[host.index(after: host.startIndex)..<close])
            } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
                let port = host[host.index(after: colon)...]
                if !port.isEmpty, port.allSatisfy(\.isASCIIDigit) {
                    host = String(host[..<colon])
                }
            }
            return host.isEmpty ? nil : host
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
