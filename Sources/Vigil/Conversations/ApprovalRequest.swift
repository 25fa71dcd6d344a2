import Foundation
import AlertInvestigation
import VigilStorage

/// A request for a person to approve one probe of one incident, as ``ApprovalService`` keeps it.
///
/// Its ``id`` is the id of the `approval.request` audit entry that recorded it, so ids are short, unique and never
/// reused across restarts. Pending requests live in memory; the audit log keeps enough (`approval.request`,
/// `approval.posted` with the message locations, and the closing entry) to expire what a restart left open
/// (``ApprovalService/expireApprovalsLeftOpenByRestart()``).
public struct ApprovalRequest: Sendable, Hashable, Identifiable {
    /// Where the request stands.
    public enum State: Sendable, Hashable {
        /// Waiting for an approver.
        case pending
        /// An approver said yes; the probe was run.
        case approved(by: String, at: Date, via: AuditEntry.Via)
        /// An approver said no.
        case denied(by: String, at: Date, via: AuditEntry.Via)
        /// Nobody decided in time (or Vigil restarted before anyone did).
        case expired(at: Date)

        /// Whether it is still ``pending``.
        public var isPending: Bool { self == .pending }
    }

    /// One message showing the request (the proposal in the alert thread, or a DM to an approver).
    public struct Message: Sendable, Hashable {
        /// The channel it was posted to; for a DM the user id until Vigil learns the `D…` id from an event.
        public var channel: String
        /// Its `ts`.
        public var ts: String
        /// The approver it was sent to; `nil` for the thread proposal.
        public var recipient: String?

        /// Creates a message reference.
        public init(channel: String, ts: String, recipient: String?) {
            self.channel = channel
            self.ts = ts
            self.recipient = recipient
        }
    }

    /// The request id (a number, as text: it is a button `value` and can be typed: `approve 17`).
    public var id: String
    /// The incident whose investigation proposed the probe.
    public var incidentID: Int64
    /// The alert's channel.
    public var channel: String
    /// The alert's root post (the thread the proposal and the result go to).
    public var rootTS: String
    /// The alert name, for messages.
    public var alertName: String
    /// The probe to run once approved.
    public var probe: ProbeSpec
    /// When it was requested.
    public var requestedAt: Date
    /// When it expires.
    public var expiresAt: Date
    /// Where it stands.
    public var state: State
    /// Where it is shown.
    public var messages: [Message]
    /// The person whose action raised it (a re-run), who may not approve it unless the configuration allows;
    /// `nil` when an alert raised it.
    public var requestedBy: String?

    /// Creates a request value.
    public init(
        id: String,
        incidentID: Int64,
        channel: String,
        rootTS: String,
        alertName: String,
        probe: ProbeSpec,
        requestedAt: Date,
        expiresAt: Date,
        state: State = .pending,
        messages: [Message] = [],
        requestedBy: String? = nil
    ) {
        self.id = id
        self.incidentID = incidentID
        self.channel = channel
        self.rootTS = rootTS
        self.alertName = alertName
        self.probe = probe
        self.requestedAt = requestedAt
        self.expiresAt = expiresAt
        self.state = state
        self.messages = messages
        self.requestedBy = requestedBy
    }
}
