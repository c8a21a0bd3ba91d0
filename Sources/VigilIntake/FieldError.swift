/// Why one field of a record was refused.
public struct FieldError: Error, Sendable, Hashable, Codable {
    /// The field's path, e.g. `cybertip.reportedInformation.incidentSummary.incidentType`; empty for
    /// the record as a whole.
    public var field: String
    /// What is wrong, in words an importer can act on.
    public var message: String

    /// Creates a field error.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
