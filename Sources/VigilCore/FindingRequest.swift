/// The body of `POST /api/v1/cases/{id}/facts`: what an officer learnt, as the API takes it (the API's
/// richest body, and the one the `api-body` fuzz target decodes).
public struct FindingRequest: Decodable, Sendable {
    /// A child found: an age if known, and the relation's name.
    public struct FoundChild: Decodable, Sendable {
        /// The child's age, if known.
        public var age: Int?
        /// `household`, `victim`, … as `ChildRelation` names them.
        public var relation: String
    }

    /// Facts set, by name: true for yes, false for no.
    public var set: [String: Bool]?
    /// Children found.
    public var children: [FoundChild]?
    /// What was done and learnt.
    public var note: String
    /// The subject the finding is about, when the case has several.
    public var subject: String?
    /// The address the finding is about, when the case has several.
    public var address: String?

    /// The members the body may hold.
    public static let members: Set<String> = ["set", "children", "note", "subject", "address"]
}
