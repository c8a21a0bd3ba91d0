public import VigilCore

/// A store operation that could not be done. A struct with an extensible code, not an ever-growing enum.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's name.
        public let name: String
        /// Creates a code.
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// No case, check or flag with that id.
        public static let notFound = Code("notFound")
        /// The request does not fit the record's state (e.g. releasing a case nobody holds).
        public static let invalidState = Code("invalidState")
        /// The request's own values are unacceptable (e.g. a review time in the past).
        public static let invalidInput = Code("invalidInput")
        /// The database cannot be reached, or refused the connection.
        public static let unavailable = Code("unavailable")
    }

    /// The failure's code.
    public var code: Code
    /// A sentence for people.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The error for a refused action on a flag: no such flag is `notFound`, an ambiguous name or an
    /// unacceptable input `invalidInput`, a flag whose state forbids it `invalidState`.
    public init(_ refusal: FlagRefusal) {
        switch refusal.reason {
        case .missing: self.init(.notFound, refusal.message)
        case .ambiguous, .invalid: self.init(.invalidInput, refusal.message)
        case .settled: self.init(.invalidState, refusal.message)
        }
    }

    public var description: String { message }
}
