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

    public var description: String { message }
}
