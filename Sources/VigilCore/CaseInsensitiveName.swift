/// Enumerations matched case-insensitively at the boundary (`UPLOAD` = `Upload`), stored normalised.
extension RawRepresentable where Self: CaseIterable, RawValue == String {
    /// The case whose raw value equals `name` ignoring case.
    public init?(name: String) {
        let wanted = name.lowercased()
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == wanted }) else { return nil }
        self = match
    }
}
