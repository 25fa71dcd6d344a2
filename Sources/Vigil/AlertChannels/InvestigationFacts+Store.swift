import Foundation
import AlertInvestigation
import VigilBase
import VigilStorage

extension InvestigationFacts.Incident {
    /// The message's view of a stored incident.
    init(_ incident: Incident) {
        let resolver: InvestigationFacts.Resolver? = incident.resolvedBy.map { by in
            switch by {
            case "source-edit": .sourceEdit
            case "source": .sourceMessage
            case let user where user.hasPrefix("U") || user.hasPrefix("W"): .user(id: user)
            default: .other(by)
            }
        }
        self.init(
            id: String(incident.id),
            status: InvestigationFacts.IncidentStatus(rawValue: incident.status.rawValue) ?? .open,
            openedAt: incident.firstSeen,
            acknowledgedBy: incident.acknowledgedBy,
            acknowledgedAt: incident.acknowledgedAt,
            resolvedBy: resolver,
            resolvedAt: incident.resolvedAt
        )
    }
}

extension InvestigationFacts.History {
    init(_ history: IncidentHistory) {
        self.init(
            occurrencesLast24Hours: history.occurrencesLast24Hours,
            occurrencesLast7Days: history.occurrencesLast7Days,
            lastResolvedAt: history.lastResolution?.resolvedAt,
            lastTimeToResolve: history.lastResolution?.duration,
            meanTimeToResolve: history.meanTimeToResolve
        )
    }
}

extension InvestigationFacts.RelatedAlert {
    /// The labels whose shared value makes two incidents related, in the order they are reported.
    static let relatingKeys = ["host", "instance", "service", "cluster", "namespace", "job", "node", "pod"]

    /// The related view of `other`, naming the first label it shares with `incident`.
    init(_ other: Incident, relatedTo incident: Incident) {
        func values(_ subject: Incident) -> [String: String] {
            var values = subject.labels
            if let host = subject.host { values["host"] = host }
            if let service = subject.service { values["service"] = service }
            return values
        }
        let mine = values(incident)
        let theirs = values(other)
        var shared = (key: "label", value: "")
        for key in Self.relatingKeys {
            if let value = mine[key], theirs[key]?.lowercased() == value.lowercased() {
                shared = (key, value)
                break
            }
        }
        if shared.value.isEmpty {
            // The store also relates `instance=web-1:9100` to `host=web-1`; name whichever value matched.
            let hostLike = Set(mine.values.map { $0.lowercased().split(separator: ":").first.map(String.init) ?? "" })
            if let match = theirs.first(where: { hostLike.contains($0.value.lowercased().split(separator: ":").first.map(String.init) ?? "") }) {
                shared = (match.key, match.value)
            }
        }
        self.init(
            name: other.name,
            severity: other.severity,
            status: InvestigationFacts.IncidentStatus(rawValue: other.status.rawValue) ?? .open,
            channelID: other.channel,
            rootTS: other.rootTS,
            sharedLabelKey: shared.key,
            sharedLabelValue: shared.value,
            postedAt: other.firstSeen
        )
    }
}
