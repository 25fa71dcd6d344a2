import Foundation
import AlertReading
/// A parsed alert post as the store keeps it: the normalised ``Alert`` plus where and when it was posted.
public struct StoredAlert: Sendable, Hashable {
    /// The Slack team id.
    public var workspace: String
    /// The channel the post is in.
    public var channel: String
    /// The post's Slack `ts` (unique within the channel).
    public var ts: String
    /// The thread root `ts` when the post is a thread reply.
    public var threadTS: String?
    /// The alert as parsed; for a root post that was edited, the content of the latest edit.
    public var alert: Alert
    /// When Vigil first received the post.
    public var receivedAt: Date
    /// The incident the post was attributed to, if any.
    public var incidentID: Int64?

    /// Creates a stored alert value.
    public init(
        workspace: String,
        channel: String,
        ts: String,
        threadTS: String?,
        alert: Alert,
        receivedAt: Date,
        incidentID: Int64?
    ) {
        self.workspace = workspace
        self.channel = channel
        self.ts = ts
        self.threadTS = threadTS
        self.alert = alert
        self.receivedAt = receivedAt
        self.incidentID = incidentID
    }
}
