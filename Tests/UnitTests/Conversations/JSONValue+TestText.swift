@testable import VigilBase

/// Reading rendered replies and blocks in assertions.
extension JSONValue {
    /// The `text` of an ephemeral slash-command payload.
    var replyText: String { self["text"]?.stringValue ?? "" }

    /// Every string anywhere inside, joined (to search rendered blocks).
    var allText: String {
        switch self {
        case .string(let value): value
        case .array(let values): values.map(\.allText).joined(separator: "\n")
        case .object(let members): members.keys.sorted().map { members[$0]!.allText }.joined(separator: "\n")
        default: ""
        }
    }
}

extension Array where Element == JSONValue {
    var allText: String { JSONValue.array(self).allText }
}
