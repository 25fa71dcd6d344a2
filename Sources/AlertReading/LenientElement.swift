import VigilBase

/// Decodes one element of a JSON array without failing the whole array: an element of the wrong shape becomes `nil`.
///
/// Slack adds fields and occasionally changes their types; a message with one odd attachment must still decode.
struct LenientElement<Wrapped: Decodable>: Decodable {
    /// The element, or `nil` when it had the wrong shape.
    let value: Wrapped?

    /// Decodes the element, swallowing its error.
    init(from decoder: any Decoder) throws {
        value = try? Wrapped(from: decoder)
    }
}
