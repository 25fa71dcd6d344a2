import Foundation
import AlertReading
import VigilBase

/// The investigation reply Vigil posts under an alert, and its later variants, as Block Kit plus a `text` fallback.
///
/// Building is pure: the same facts and options always give the same message. Layout, top to bottom: a header
/// (severity emoji, name, status); a section with the summary and fields (source, severity, status, host, service,
/// a few key labels); acknowledged/resolved lines; silence and storm notices; *History*; a *Flapping* warning;
/// *Related* alerts with links to their threads; *Runbook* links; *Checks* (one section per probe with the head of
/// its output); the buttons; and a footer with the incident id and alert identity.
///
/// Every message stays within Slack's limits — at most 50 blocks, section text ≤ 3,000 characters, ≤ 10 fields of
/// ≤ 2,000 characters, header ≤ 150, button text ≤ 75, `text` ≤ 40,000 — cutting with a visible "…". Everything
/// that came from the alert, a related alert or a probe is escaped (`&`, `<`, `>`) wherever it lands in mrkdwn or
/// in `text`, so an alert named `<!channel>` cannot ping anyone. The header is a `plain_text` object, which Slack
/// does not parse for mentions or links, so the name appears there as written.
public struct InvestigationMessage: Sendable, Hashable {
    /// The notification and screen-reader fallback (`text` of `chat.postMessage`); escaped mrkdwn.
    public var text: String
    /// The Block Kit blocks.
    public var blocks: [JSONValue]

    /// Creates a message.
    ///
    /// - Parameters:
    ///   - text: The fallback text.
    ///   - blocks: The blocks.
    public init(text: String, blocks: [JSONValue]) {
        self.text = text
        self.blocks = blocks
    }

    /// The `action_id`s of the buttons; each button's `value` is the incident id.
    public enum ActionID {
        /// Acknowledge the incident.
        public static let acknowledge = "vigil_ack"
        /// Resolve the incident.
        public static let resolve = "vigil_resolve"
        /// Silence this alert identity for one hour.
        public static let silenceOneHour = "vigil_silence_1h"
        /// Run the probes again.
        public static let rerun = "vigil_rerun"
    }

    /// The `block_id` of the actions block.
    public static let actionsBlockID = "vigil_incident_actions"

    /// Rendering settings.
    public struct Options: Sendable, Hashable {
        /// "Now", for relative times such as "2 h ago".
        public var now: Date
        /// The workspace URL (for example `https://acme.slack.com`) used for thread links without a permalink;
        /// `nil` uses `https://slack.com`, which redirects to the workspace.
        public var workspaceURL: String?
        /// Related alerts shown (default 5).
        public var maxRelatedAlerts: Int
        /// Runbook links shown (default 10).
        public var maxRunbookLinks: Int
        /// Label fields shown next to the standard fields (default 4; the section never exceeds 10 fields).
        public var maxLabelFields: Int
        /// Probes shown with their own section (default 20, at most 30); the rest are summarised in one line.
        public var maxCheckSections: Int
        /// Output lines shown per probe (default 12).
        public var maxOutputLines: Int
        /// Output characters shown per probe, after escaping (default 1,200).
        public var maxOutputCharacters: Int
        /// Output characters shown across all probes (default 12,000); later probes show only their status line.
        public var maxTotalOutputCharacters: Int

        /// Creates options.
        ///
        /// - Parameters:
        ///   - now: The current time.
        ///   - workspaceURL: The workspace URL, or `nil`.
        ///   - maxRelatedAlerts: Related alerts shown.
        ///   - maxRunbookLinks: Runbook links shown.
        ///   - maxLabelFields: Label fields shown.
        ///   - maxCheckSections: Probes shown with output.
        ///   - maxOutputLines: Output lines per probe.
        ///   - maxOutputCharacters: Output characters per probe.
        ///   - maxTotalOutputCharacters: Output characters across probes.
        public init(
            now: Date,
            workspaceURL: String? = nil,
            maxRelatedAlerts: Int = 5,
            maxRunbookLinks: Int = 10,
            maxLabelFields: Int = 4,
            maxCheckSections: Int = 20,
            maxOutputLines: Int = 12,
            maxOutputCharacters: Int = 1_200,
            maxTotalOutputCharacters: Int = 12_000
        ) {
            self.now = now
            self.workspaceURL = workspaceURL
            self.maxRelatedAlerts = maxRelatedAlerts
            self.maxRunbookLinks = maxRunbookLinks
            self.maxLabelFields = maxLabelFields
            self.maxCheckSections = maxCheckSections
            self.maxOutputLines = maxOutputLines
            self.maxOutputCharacters = maxOutputCharacters
            self.maxTotalOutputCharacters = maxTotalOutputCharacters
        }
    }

    /// The investigation reply, in the variant that fits the incident's current status (open → all four
    /// buttons; acknowledged → as ``acknowledgedUpdate(_:options:)``; resolved → as ``resolvedUpdate(_:options:)``).
    ///
    /// - Parameters:
    ///   - facts: What is known about the alert.
    ///   - options: Rendering settings.
    /// - Returns: The message.
    public static func investigation(_ facts: InvestigationFacts, options: Options) -> InvestigationMessage {
        switch facts.incident.status {
        case .open: render(facts, variant: .open, options: options)
        case .acknowledged: render(facts, variant: .acknowledged, options: options)
        case .resolved: render(facts, variant: .resolved, options: options)
        }
    }

    /// The investigation updated after a person acknowledged it: an "Acknowledged by <@U…> at <date>" line, and
    /// the buttons Resolve, Silence 1h and Re-run.
    ///
    /// - Parameters:
    ///   - facts: The facts; `incident.acknowledgedBy`/`acknowledgedAt` should be set.
    ///   - options: Rendering settings.
    /// - Returns: The message, for `chat.update`.
    public static func acknowledgedUpdate(_ facts: InvestigationFacts, options: Options) -> InvestigationMessage {
        render(facts, variant: .acknowledged, options: options)
    }

    /// The investigation updated after the incident was resolved: ✅ status, how long it took and who or what
    /// resolved it, and only the Re-run button.
    ///
    /// - Parameters:
    ///   - facts: The facts; `incident.resolvedAt` (default: `options.now`) and `resolvedBy` should be set.
    ///   - options: Rendering settings.
    /// - Returns: The message, for `chat.update`.
    public static func resolvedUpdate(_ facts: InvestigationFacts, options: Options) -> InvestigationMessage {
        render(facts, variant: .resolved, options: options)
    }

    /// A one-line thread note for the resolution, e.g. "✅ Resolved after 14 min (by the source's edit)".
    ///
    /// - Parameters:
    ///   - facts: The facts; `incident.resolvedAt` defaults to `options.now`.
    ///   - options: Rendering settings.
    /// - Returns: Escaped mrkdwn, well under every limit.
    public static func resolutionNote(_ facts: InvestigationFacts, options: Options) -> String {
        let incident = facts.incident
        let resolvedAt = incident.resolvedAt ?? options.now
        var note = "✅ Resolved after \(HumanFormat.duration(HumanFormat.between(incident.openedAt, resolvedAt)))"
        if let resolver = incident.resolvedBy { note += " (by \(describe(resolver)))" }
        return note
    }

    enum Variant {
        case open, acknowledged, resolved
    }

    /// How a resolver is described in messages: `<@U1>`, "the source's edit", ….
    static func describe(_ resolver: InvestigationFacts.Resolver) -> String {
        switch resolver {
        case .user(let id): SlackText.user(id)
        case .sourceEdit: "the source's edit"
        case .sourceMessage: "a resolved notification from the source"
        case .other(let text): SlackText.escaped(text, limit: 200)
        }
    }

    /// The emoji for a severity.
    package static func emoji(for severity: AlertSeverity) -> String {
        switch severity {
        case .critical: "🔴"
        case .high: "🟠"
        case .warning: "🟡"
        case .info: "🔵"
        case .unknown: "⚪"
        }
    }

    /// `text` without leading and trailing whitespace and newlines.
    static func trimmed(_ text: String) -> String {
        var slice = Substring(text)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }

    /// Collapses newlines and runs of whitespace so multi-line alert text fits one line.
    package static func oneLine(_ text: String) -> String {
        var result = ""
        var lastWasSpace = false
        for character in text {
            if character.isWhitespace || character.isNewline {
                if !lastWasSpace, !result.isEmpty { result.append(" ") }
                lastWasSpace = true
            } else {
                result.append(character)
                lastWasSpace = false
            }
        }
        if result.last == " " { result.removeLast() }
        return result
    }
}
