/// The structure of NCMEC's CyberTipline report XML (`../shared/CYBERTIP-XML.md` §1.3–1.4, from NCMEC's
/// XSD and documentation), as data: for each element type, its children in order with their cardinality,
/// or the text it holds, and its attributes. `CybertipValidator` checks a document against it.
enum CybertipSchema {
    /// What an element holds.
    enum Content {
        /// Child elements in this order (`xs:sequence`).
        case sequence([Child])
        /// Exactly one of these child elements (`xs:choice`).
        case choice([Child])
        /// Empty flag elements in any order, each at most once (`xs:all` of `fixed="true"` booleans).
        case flags([String])
        /// Character data of this kind, no child elements.
        case text(TextKind)
    }

    /// A child element slot: its name, its type, and how often it may occur.
    struct Child {
        var name: String
        var type: String
        var minimum: Int
        var maximum: Int?
    }

    /// What text an element or attribute may hold.
    enum TextKind {
        /// Any text up to this many characters (nil: no limit).
        case string(Int?)
        /// One of these values, exactly as spelt.
        case oneOf([String])
        /// `xs:dateTime` with a time zone, in the past.
        case dateTime
        /// `xs:date`, in the past.
        case date
        /// `xs:boolean`: true, false, 1 or 0.
        case boolean
        /// An integer in this range.
        case integer(ClosedRange<Int>)
        /// An IPv4, IPv6 or IPv4-mapped IPv6 address.
        case ipAddress
        /// An email address up to 255 characters, its local part up to 64.
        case email
        /// A country code of NCMEC's list (ISO 3166 alpha-2 and a few others).
        case country
        /// A US postal state code, or empty.
        case usState
        /// A calling code: `+` and one to three digits.
        case callingCode
    }

    /// An element type: its content and its attributes (name → kind, required).
    struct ElementType {
        var content: Content
        var attributes: [String: (kind: TextKind, required: Bool)] = [:]
    }

    static func one(_ name: String, _ type: String? = nil) -> Child { Child(name: name, type: type ?? name, minimum: 1, maximum: 1) }
    static func optional(_ name: String, _ type: String? = nil) -> Child { Child(name: name, type: type ?? name, minimum: 0, maximum: 1) }
    static func many(_ name: String, _ type: String? = nil, minimum: Int = 0) -> Child {
        Child(name: name, type: type ?? name, minimum: minimum, maximum: nil)
    }

    static let eventNames = ["Login", "Registration", "Purchase", "Upload", "Other", "Unknown"]
    static let incidentTypes = [
        "Child Pornography (possession, manufacture, and distribution)", "Child Sex Trafficking", "Child Sex Tourism",
        "Child Sexual Molestation", "Misleading Domain Name", "Misleading Words or Digital Images on the Internet",
        "Online Enticement of Children for Sexual Acts", "Unsolicited Obscene Material Sent to a Child",
    ]
    static let reportAnnotations = [
        "sextortion", "csamSolicitation", "minorToMinorInteraction", "spam", "sadisticOnlineExploitation", "informational",
    ]
    static let fileAnnotations = [
        "animeDrawingVirtualHentai", "potentialMeme", "viral", "possibleSelfProduction", "physicalHarm", "violenceGore", "bestiality",
        "liveStreaming", "infant", "generativeAi",
    ]

    /// The slots an account of a person shares, in order, after its person element (`personOrUserReported`,
    /// `intendedRecipient` and `victim` differ only in a few).
    private static func account(person: String, reported: Bool = false, victim: Bool = false) -> [Child] {
        var slots = [optional(person, "person")]
        if reported { slots += [optional("vehicleDescription", "text300")] }
        slots += [
            optional("espIdentifier", "text255"), optional("espService", "text100"), optional("compromisedAccount", "boolean"),
            optional("screenName", "text256"), many("displayName", "text"), many("profileUrl", "url"), optional("profileBio", "text"),
            many("ipCaptureEvent"), many("deviceId"),
        ]
        if reported { slots += [optional("thirdPartyUserReported", "boolean")] }
        if victim { slots += [optional("schoolName", "text")] }
        slots += [many("priorCTReports", "long")]
        if !victim { slots += [optional("groupIdentifier", "text")] }
        slots += [
            optional("accountTemporarilyDisabled", "disabled"), optional("accountPermanentlyDisabled", "disabled"),
            optional("estimatedLocation"), optional("allEmailsReported", "boolean"),
        ]
        if reported || victim { slots += [many("associatedAccount")] }
        return slots + [optional("additionalInfo", "text")]
    }

    private static func incident(_ slots: [Child]) -> ElementType { ElementType(content: .sequence(slots + [optional("additionalInfo", "text")])) }

    /// Every element type, by name; the record's root is `ncaReferral`.
    static let types: [String: ElementType] = [
        "ncaReferral": ElementType(
            content: .sequence([one("report"), optional("reportResponse"), many("fileDetails")]),
            attributes: ["reportId": (.string(64), false), "disseminatedAt": (.dateTime, false)]),
        "report": ElementType(
            content: .sequence([
                optional("batchedReport"), one("incidentSummary"), many("internetDetails"), optional("lawEnforcement"), one("reporter"),
                many("personOrUserReported"), many("intendedRecipient"), many("victim"), optional("additionalInfo", "text"),
            ]),
            attributes: ["xsi:noNamespaceSchemaLocation": (.string(nil), false), "xmlns:xsi": (.string(nil), false)]),
        "batchedReport": ElementType(content: .text(.string(0)), attributes: ["reason": (.oneOf(["VIRAL_POTENTIAL_MEME"]), true)]),
        "incidentSummary": ElementType(
            content: .sequence([
                one("incidentType"), optional("platform", "text256"), optional("escalateToHighPriority", "text3000"),
                optional("reportAnnotations"), one("incidentDateTime", "dateTime"), optional("incidentDateTimeDescription", "text3000"),
            ])),
        "incidentType": ElementType(content: .text(.oneOf(incidentTypes))),
        "reportAnnotations": ElementType(content: .flags(reportAnnotations)),
        "internetDetails": ElementType(
            content: .choice([
                one("webPageIncident"), one("emailIncident"), one("newsgroupIncident"), one("chatImIncident"), one("onlineGamingIncident"),
                one("cellPhoneIncident"), one("nonInternetIncident"), one("peer2peerIncident"),
            ])),
        "webPageIncident": ElementType(
            content: .sequence([many("url", "url"), optional("additionalInfo", "text")]),
            attributes: ["thirdPartyHostedContent": (.boolean, false)]),
        "emailIncident": incident([many("emailAddress", "emailText"), optional("content", "text")]),
        "newsgroupIncident": incident([optional("name", "text"), many("emailAddress", "emailText"), optional("content", "text")]),
        "chatImIncident": incident([optional("chatClient", "text"), optional("chatRoomName", "text"), optional("content", "text")]),
        "onlineGamingIncident": incident([optional("gameName", "text"), optional("console", "text"), optional("content", "text")]),
        "cellPhoneIncident": incident([optional("phoneNumber", "phone"), optional("latitude", "text"), optional("longitude", "text")]),
        "nonInternetIncident": incident([optional("locationName", "text"), many("incidentAddress", "address")]),
        "peer2peerIncident": incident([optional("client", "text255"), many("ipCaptureEvent"), optional("fileNames", "text")]),
        "lawEnforcement": ElementType(
            content: .sequence([
                one("agencyName", "text255"), optional("caseNumber", "text100"), optional("officerContact", "person"),
                optional("reportedToLe", "boolean"), optional("servedLegalProcessDomestic", "boolean"),
                optional("servedLegalProcessInternational", "legalProcess"),
            ])),
        "legalProcess": ElementType(content: .text(.boolean), attributes: ["fleaCountry": (.country, false)]),
        "reporter": ElementType(
            content: .sequence([
                one("reportingPerson", "person"), optional("contactPerson", "person"), optional("companyTemplate", "text"),
                optional("termsOfService", "text"), optional("legalURL", "url"),
            ])),
        "person": ElementType(
            content: .sequence([
                optional("firstName", "text100"), optional("lastName", "text100"), many("phone"), many("email"), many("address"),
                optional("age", "age"), optional("dateOfBirth", "date"), optional("ageAssertionDiscrepancy", "text"),
            ])),
        "phone": ElementType(
            content: .text(.string(50)),
            attributes: [
                "type": (.oneOf(["Mobile", "Home", "Business", "Work", "Fax", "Internet", "Recovery"]), false), "verified": (.boolean, false),
                "verificationDate": (.dateTime, false), "countryCallingCode": (.callingCode, false), "extension": (.string(20), false),
            ]),
        "email": ElementType(
            content: .text(.email),
            attributes: [
                "type": (.oneOf(["Home", "Work", "Business", "Recovery"]), false), "verified": (.boolean, false),
                "verificationDate": (.dateTime, false),
            ]),
        "address": ElementType(
            content: .sequence([
                optional("address", "text255"), optional("city", "text100"), optional("zipCode", "text20"), optional("state", "usState"),
                optional("nonUsaState", "text100"), optional("country", "country"),
            ]),
            attributes: ["type": (.oneOf(["Home", "Business", "Billing", "Shipping", "Technical"]), false)]),
        "personOrUserReported": ElementType(content: .sequence(account(person: "personOrUserReportedPerson", reported: true))),
        "intendedRecipient": ElementType(content: .sequence(account(person: "intendedRecipientPerson"))),
        "victim": ElementType(
            content: .sequence(
                account(person: "victimPerson", victim: true).map {
                    $0.name == "victimPerson" ? one("victimPerson", "person") : $0
                })),
        "associatedAccount": ElementType(
            content: .sequence([
                optional("platform", "platform"), optional("firstName", "text100"), optional("middleName", "text100"),
                optional("lastName", "text100"), optional("approximateAge", "age"), optional("dateOfBirth", "date"), many("phone"),
                many("email"), optional("allEmailsReported", "boolean"), many("address"), optional("espService", "text100"),
                optional("espIdentifier", "text255"), many("profileUrl", "url"), optional("screenName", "text256"),
                many("displayName", "text"), optional("profileBio", "text"), optional("groupIdentifier", "text"),
                optional("compromisedAccount", "boolean"), optional("accountTemporarilyDisabled", "disabled"),
                optional("accountPermanentlyDisabled", "disabled"), many("ipCaptureEvent"), many("deviceId"),
                many("priorCTReport", "long"), optional("additionalInfo", "text"),
            ]),
            attributes: ["type": (.oneOf(["Billing", "Linked", "Business", "Creator", "Parent/Guardian", "Other"]), true)]),
        "platform": ElementType(content: .text(.string(256)), attributes: ["thirdPartyUser": (.boolean, false)]),
        "ipCaptureEvent": ElementType(
            content: .sequence([
                one("ipAddress", "ipAddress"), optional("eventName", "eventName"), optional("dateTime", "dateTime"),
                optional("possibleProxy", "boolean"), optional("port", "port"),
            ])),
        "deviceId": ElementType(
            content: .sequence([
                one("idType", "text255"), one("idValue", "text2083"), optional("eventName", "eventName"), optional("dateTime", "dateTime"),
            ])),
        "estimatedLocation": ElementType(
            content: .sequence([optional("city", "text"), optional("region", "text"), one("countryCode", "country")]),
            attributes: ["verified": (.boolean, false), "timestamp": (.dateTime, false)]),
        "disabled": ElementType(
            content: .text(.boolean),
            attributes: [
                "disabledDate": (.dateTime, false), "userNotified": (.boolean, false), "userNotifiedDate": (.dateTime, false),
                "reenabledDate": (.dateTime, false),
            ]),
        "fileDetails": ElementType(
            content: .sequence([
                one("reportId", "text64"), one("fileId", "text64"), optional("fileName", "text"), optional("originalFileName", "text2056"),
                optional("uploadedToEspTimestamp", "dateTime"), optional("locationOfFile", "url"), optional("fileViewedByEsp", "boolean"),
                optional("exifViewedByEsp", "boolean"), optional("publiclyAvailable", "boolean"), optional("fileRelevance", "fileRelevance"),
                optional("potentialMeme", "flag"), optional("fileAnnotations"), optional("industryClassification", "industryClassification"),
                many("originalFileHash"), optional("ipCaptureEvent"), many("deviceId"), many("details"), many("additionalInfo", "text"),
            ]),
            attributes: ["xsi:noNamespaceSchemaLocation": (.string(nil), false), "xmlns:xsi": (.string(nil), false)]),
        "fileAnnotations": ElementType(content: .flags(fileAnnotations)),
        "originalFileHash": ElementType(content: .text(.string(64)), attributes: ["hashType": (.string(64), true)]),
        "details": ElementType(content: .sequence([many("nameValuePair", minimum: 1)]), attributes: ["type": (.oneOf(["EXIF", "HASH"]), false)]),
        "nameValuePair": ElementType(content: .sequence([one("name", "text64"), one("value", "text")])),
        "reportResponse": ElementType(
            content: .sequence([
                optional("responseCode", "text"), optional("responseDescription", "text"), optional("reportId", "text64"),
                optional("fileId", "text64"), optional("hash", "text64"),
            ])),
        "text": ElementType(content: .text(.string(nil))),
        "text20": ElementType(content: .text(.string(20))),
        "text64": ElementType(content: .text(.string(64))),
        "text100": ElementType(content: .text(.string(100))),
        "text255": ElementType(content: .text(.string(255))),
        "text256": ElementType(content: .text(.string(256))),
        "text300": ElementType(content: .text(.string(300))),
        "text2056": ElementType(content: .text(.string(2056))),
        "text2083": ElementType(content: .text(.string(2083))),
        "text3000": ElementType(content: .text(.string(3000))),
        "url": ElementType(content: .text(.string(2083))),
        "emailText": ElementType(content: .text(.email)),
        "flag": ElementType(content: .text(.string(0))),
        "boolean": ElementType(content: .text(.boolean)),
        "long": ElementType(content: .text(.integer(0...Int.max))),
        "age": ElementType(content: .text(.integer(0...150))),
        "port": ElementType(content: .text(.integer(1...65535))),
        "date": ElementType(content: .text(.date)),
        "dateTime": ElementType(content: .text(.dateTime)),
        "ipAddress": ElementType(content: .text(.ipAddress)),
        "eventName": ElementType(content: .text(.oneOf(eventNames))),
        "country": ElementType(content: .text(.country)),
        "usState": ElementType(content: .text(.usState)),
        "fileRelevance": ElementType(content: .text(.oneOf(["Reported", "Supplemental Reported"]))),
        "industryClassification": ElementType(content: .text(.oneOf(["A1", "A2", "B1", "B2"]))),
    ]

    /// NCMEC's country codes: ISO 3166-1 alpha-2, the empty code, and the few non-ISO codes NCMEC lists
    /// (`GB` is a country code, `UK` is not).
    static let countries: Set<String> = Set(
        ("AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD "
            + "CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF "
            + "GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
            + "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA "
            + "NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI "
            + "SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
            + "VN VU WF WS YE YT ZA ZM ZW A1 A2 O1 AP EU FX XK AN").split(separator: " ").map(String.init) + [""])

    /// US postal codes of states, the district, territories and military posts, and the empty code.
    static let usStates: Set<String> = Set(
        ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC "
            + "SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR VI UM FM MH PW AA AE AP").split(separator: " ").map(String.init) + [""])
}
