import Foundation
import AlertReading
import VigilBase

extension SlackMessage {
    /// Decodes a message from an already parsed JSON value (e.g. an element of `conversations.history`).
    public init(json: JSONValue) throws {
        let data = try JSONEncoder().encode(json)
        self = try JSONDecoder().decode(SlackMessage.self, from: data)
    }
}
