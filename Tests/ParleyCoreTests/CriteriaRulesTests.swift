import Testing
@testable import ParleyCore

@Suite struct CriteriaRulesTests {
    static let example = """
        scale title: intern < individual < manager < director < vp < c-level
        employees >= 50 AND title >= manager AND country in (DE, FR, NL) AND NOT email_domain in (gmail.com, yahoo.com)
        """

    static func lead(_ attributes: [String: JSONValue]) -> CriteriaRules.Values {
        { name in attributes.first { $0.key.lowercased() == name.lowercased() }?.value }
    }

    @Test func theIssuesExampleRunsOnLeads() throws {
        let rules = try CriteriaRules.parse(Self.example)
        #expect(rules.scales["title"] == ["intern", "individual", "manager", "director", "vp", "c-level"])
        let fits = rules.evaluate(Self.lead(["employees": .integer(120), "title": .string("Director"), "country": .string("de"),
                                             "email_domain": .string("acme.com")]))
        #expect(fits.met)
        #expect(fits.clauses.map(\.met) == [true, true, true, true])
        #expect(fits.clauses.map(\.text) == ["employees >= 50", "title >= manager", "country in (DE, FR, NL)", "NOT email_domain in (gmail.com, yahoo.com)"])
        let student = rules.evaluate(Self.lead(["employees": .string("9"), "title": .string("intern"), "country": .string("US"),
                                                "email_domain": .string("Gmail.com")]))
        #expect(!student.met)
        #expect(student.clauses.map(\.met) == [false, false, false, false])
        // A missing value is unknown, and the clause is not met.
        let unknown = rules.evaluate(Self.lead(["employees": .integer(500)]))
        #expect(!unknown.met && unknown.clauses[1].met == nil)
    }

    @Test(arguments: [
        ("score = 72", 72, true), ("score != 72", 72, false), ("score < 80", 72, true), ("score <= 72", 72, true),
        ("score > 72", 72, false), ("score >= 100", 72, false), ("score >= 9", 72, true),
    ] as [(String, Int64, Bool)])
    func numbersCompareAsNumbers(_ text: String, _ score: Int64, _ expected: Bool) throws {
        #expect(try CriteriaRules.parse(text).evaluate(Self.lead(["score": .integer(score)])).met == expected)
    }

    @Test func booleansParenthesesAndHas() throws {
        let rules = try CriteriaRules.parse("(industry = retail OR industry = 'health care') AND has phone AND NOT source = webinar")
        #expect(rules.evaluate(Self.lead(["industry": .string("Health Care"), "phone": .string("+49 1"), "source": .string("referral")])).met)
        #expect(!rules.evaluate(Self.lead(["industry": .string("retail"), "phone": .string(""), "source": .string("referral")])).met)
        #expect(!rules.evaluate(Self.lead(["industry": .string("retail"), "phone": .string("1"), "source": .string("WEBINAR")])).met)
        // AND binds tighter than OR.
        let precedence = try CriteriaRules.parse("a = 1 OR b = 1 AND c = 1")
        #expect(precedence.evaluate(Self.lead(["a": .integer(1)])).met)
    }

    @Test(arguments: [
        ("employees >= AND title = x", 14, "expected a value after \">=\", got \"AND\""),
        ("employees >= 50 AND", 20, "expected a name after \"AND\", got the end"),
        ("employees 50", 11, "expected a comparison (=, !=, <, <=, >, >=) or \"in\" after \"employees\", got \"50\""),
        ("country in (DE, FR", 19, "expected \")\" after the list of values, got the end"),
        ("title >= manager", 7, "orders text: declare its scale first"),
        ("scale title: a < b; title >= c", 27, "\"c\" is not on the scale of title"),
        ("(a = 1", 7, "expected \")\" after the rule in parentheses, got the end"),
        ("a = 1 b = 2", 7, "expected AND, OR or the end, got \"b\""),
        ("employees >= 50\n  AND country in (DE)", 19, "the rule ended before \"AND\": a new line or \";\" ends it"),
        ("a = 1; OR b = 2", 8, "keep the rule on one line"),
        ("", 1, "expected a rule, got the end"),
    ] as [(String, Int, String)])
    func badRulesNameTheColumnAndWhatWasExpected(_ text: String, _ column: Int, _ message: String) {
        #expect(throws: CriteriaRules.ParseError.self) { try CriteriaRules.parse(text) }
        do {
            _ = try CriteriaRules.parse(text)
        } catch {
            #expect(error.column == column, "\(text): \(error)")
            #expect(error.message.contains(message), "\(text): \(error)")
        }
    }
}
