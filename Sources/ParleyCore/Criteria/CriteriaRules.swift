import Foundation

/// Lead criteria as rules that run: a small language over a lead's
/// `attributes` (and its `source`, `campaign` and `score`).
///
/// ```
/// scale title: intern < individual < manager < director < vp < c-level
/// employees >= 50 AND title >= manager AND country in (DE, FR, NL)
///   AND NOT email_domain in (gmail.com, yahoo.com)
/// ```
///
/// Comparisons `=`, `!=`, `<`, `<=`, `>`, `>=`; `NAME in (a, b, c)`;
/// `has NAME` (present and not empty); `AND`, `OR`, `NOT` and parentheses.
/// Numbers compare as numbers, text without regard to case, and a name
/// with a declared scale by its rank on the scale. Scales come first, each
/// ended by `;` or a new line.
public struct CriteriaRules: Sendable, Equatable {
    public indirect enum Expression: Sendable, Equatable {
        case compare(name: String, op: String, value: String)
        case member(name: String, values: [String])
        case has(String)
        case not(Expression)
        case and(Expression, Expression)
        case or(Expression, Expression)
    }

    public var scales: [String: [String]]
    public var expression: Expression

    /// Why rules did not parse: the column (from 1) and what was expected.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var column: Int
        public var message: String
        public var description: String { "column \(column): \(message)" }
    }

    // MARK: - Parsing

    struct Token: Equatable {
        enum Kind: Equatable { case word, quoted, symbol, end }
        var kind: Kind
        var text: String
        var column: Int
    }

    static func tokens(_ text: String) throws(ParseError) -> [Token] {
        var tokens: [Token] = []
        let characters = Array(text)
        var index = 0
        func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || "_.@-+/%".contains(c) }
        while index < characters.count {
            let c = characters[index]
            let column = index + 1
            if c == "\n" || c == ";" {
                tokens.append(Token(kind: .symbol, text: ";", column: column))
                index += 1
            } else if c.isWhitespace {
                index += 1
            } else if "()<>=!,:".contains(c) {
                var symbol = String(c)
                if index + 1 < characters.count, characters[index + 1] == "=", "<>!=".contains(c) {
                    symbol += "="
                    index += 1
                }
                if symbol == "!" { throw ParseError(column: column, message: "expected \"!=\", got \"!\"") }
                if symbol == "==" { symbol = "=" }
                tokens.append(Token(kind: .symbol, text: symbol, column: column))
                index += 1
            } else if c == "\"" || c == "'" {
                var end = index + 1
                while end < characters.count && characters[end] != c { end += 1 }
                guard end < characters.count else { throw ParseError(column: column, message: "a quoted value is not closed") }
                tokens.append(Token(kind: .quoted, text: String(characters[(index + 1)..<end]), column: column))
                index = end + 1
            } else if isWord(c) {
                var end = index
                while end < characters.count && isWord(characters[end]) { end += 1 }
                tokens.append(Token(kind: .word, text: String(characters[index..<end]), column: column))
                index = end
            } else {
                throw ParseError(column: column, message: "unexpected \"\(c)\"")
            }
        }
        tokens.append(Token(kind: .end, text: "", column: characters.count + 1))
        return tokens
    }

    /// Parses rules.
    ///
    /// - Throws: ``ParseError`` naming the column and what was expected there.
    public static func parse(_ text: String) throws(ParseError) -> CriteriaRules {
        var parser = Parser(tokens: try tokens(text))
        return try parser.rules()
    }

    struct Parser {
        var tokens: [Token]
        var index = 0
        var scales: [String: [String]] = [:]

        var current: Token { tokens[index] }

        func keyword(_ word: String) -> Bool { current.kind == .word && current.text.lowercased() == word }

        static func shown(_ token: Token) -> String { token.kind == .end ? "the end" : "\"\(token.text)\"" }

        mutating func expect(_ symbol: String, after: String) throws(ParseError) {
            guard current.kind == .symbol, current.text == symbol else {
                throw ParseError(column: current.column, message: "expected \"\(symbol)\" after \(after), got \(Self.shown(current))")
            }
            index += 1
        }

        mutating func name(after: String) throws(ParseError) -> String {
            guard current.kind == .word, !["and", "or", "not", "in", "has"].contains(current.text.lowercased()) else {
                throw ParseError(column: current.column, message: "expected a name after \(after), got \(Self.shown(current))")
            }
            defer { index += 1 }
            return current.text
        }

        mutating func value(after: String) throws(ParseError) -> String {
            guard current.kind == .quoted || (current.kind == .word && !["and", "or", "not", "in", "has"].contains(current.text.lowercased())) else {
                throw ParseError(column: current.column, message: "expected a value after \(after), got \(Self.shown(current))")
            }
            defer { index += 1 }
            return current.text
        }

        mutating func rules() throws(ParseError) -> CriteriaRules {
            while true {
                while current.kind == .symbol && current.text == ";" { index += 1 }
                guard keyword("scale") else { break }
                index += 1
                let scale = try name(after: "\"scale\"")
                try expect(":", after: "the scale's name")
                var ranks = [try value(after: "\":\"").lowercased()]
                while current.kind == .symbol && current.text == "<" {
                    index += 1
                    ranks.append(try value(after: "\"<\"").lowercased())
                }
                guard ranks.count >= 2 else {
                    throw ParseError(column: current.column, message: "expected \"<\" and another rank in the scale of \(scale), got \(Self.shown(current))")
                }
                scales[scale.lowercased()] = ranks
            }
            guard current.kind != .end else { throw ParseError(column: current.column, message: "expected a rule, got the end") }
            let expression = try or()
            var ended = false
            while current.kind == .symbol && current.text == ";" {
                index += 1
                ended = true
            }
            guard current.kind == .end else {
                if ended && (keyword("and") || keyword("or")) {
                    throw ParseError(column: current.column, message: "the rule ended before \(Self.shown(current)): a new line or \";\" ends it, and only scales come before it; keep the rule on one line")
                }
                throw ParseError(column: current.column, message: "expected AND, OR or the end, got \(Self.shown(current))")
            }
            return CriteriaRules(scales: scales, expression: expression)
        }

        mutating func or() throws(ParseError) -> Expression {
            var left = try and()
            while keyword("or") {
                index += 1
                left = .or(left, try and())
            }
            return left
        }

        mutating func and() throws(ParseError) -> Expression {
            var left = try not()
            while keyword("and") {
                index += 1
                left = .and(left, try not())
            }
            return left
        }

        mutating func not() throws(ParseError) -> Expression {
            if keyword("not") {
                index += 1
                return .not(try not())
            }
            return try primary()
        }

        mutating func primary() throws(ParseError) -> Expression {
            if current.kind == .symbol && current.text == "(" {
                index += 1
                let inner = try or()
                try expect(")", after: "the rule in parentheses")
                return inner
            }
            if keyword("has") {
                index += 1
                return .has(try name(after: "\"has\""))
            }
            let subject = try name(after: index == 0 ? "the start" : "\"\(tokens[index - 1].text)\"")
            if keyword("in") {
                index += 1
                try expect("(", after: "\"in\"")
                var values = [try value(after: "\"(\"")]
                while current.kind == .symbol && current.text == "," {
                    index += 1
                    values.append(try value(after: "\",\""))
                }
                try expect(")", after: "the list of values")
                return .member(name: subject, values: values)
            }
            guard current.kind == .symbol, ["=", "!=", "<", "<=", ">", ">="].contains(current.text) else {
                throw ParseError(column: current.column, message: "expected a comparison (=, !=, <, <=, >, >=) or \"in\" after \"\(subject)\", got \(Self.shown(current))")
            }
            let op = current.text
            let column = current.column
            index += 1
            let value = try value(after: "\"\(op)\"")
            if ["<", "<=", ">", ">="].contains(op), Double(value) == nil, scales[subject.lowercased()] == nil {
                throw ParseError(column: column, message: "\"\(subject) \(op) \(value)\" orders text: declare its scale first (scale \(subject): a < b < c)")
            }
            if let scale = scales[subject.lowercased()], Double(value) == nil, !scale.contains(value.lowercased()) {
                throw ParseError(column: column, message: "\"\(value)\" is not on the scale of \(subject) (\(scale.joined(separator: " < ")))")
            }
            return .compare(name: subject, op: op, value: value)
        }
    }

    // MARK: - Evaluating

    /// A clause of the rules and whether the lead met it (nil: the lead has no such value).
    public struct Clause: Sendable, Equatable {
        public var text: String
        public var met: Bool?
    }

    /// The lead's value for `name`: `source`, `campaign`, `score`, or an attribute.
    public typealias Values = (String) -> JSONValue?

    /// Whether a lead with `values` meets the rules, and each clause's verdict.
    public func evaluate(_ values: Values) -> (met: Bool, clauses: [Clause]) {
        var clauses: [Clause] = []
        let met = evaluate(expression, values, &clauses)
        return (met, clauses)
    }

    private func text(_ value: JSONValue?) -> String? {
        switch value {
        case let .string(s)?: s.isEmpty ? nil : s
        case let .integer(i)?: String(i)
        case let .double(d)?: String(d)
        case let .bool(b)?: String(b)
        default: nil
        }
    }

    private func compare(_ name: String, _ op: String, _ actual: String, _ expected: String) -> Bool? {
        let order: Int
        if let a = Double(actual), let b = Double(expected) {
            order = a < b ? -1 : a > b ? 1 : 0
        } else if let scale = scales[name.lowercased()] {
            guard let a = scale.firstIndex(of: actual.lowercased()), let b = scale.firstIndex(of: expected.lowercased()) else { return nil }
            order = a < b ? -1 : a > b ? 1 : 0
        } else {
            let (a, b) = (actual.lowercased(), expected.lowercased())
            order = a < b ? -1 : a > b ? 1 : 0
        }
        switch op {
        case "=": return order == 0
        case "!=": return order != 0
        case "<": return order < 0
        case "<=": return order <= 0
        case ">": return order > 0
        default: return order >= 0
        }
    }

    private func evaluate(_ expression: Expression, _ values: Values, _ clauses: inout [Clause]) -> Bool {
        switch expression {
        case let .compare(name, op, value):
            let met = text(values(name)).flatMap { compare(name, op, $0, value) }
            clauses.append(Clause(text: "\(name) \(op) \(value)", met: met))
            return met ?? false
        case let .member(name, list):
            let actual = text(values(name))?.lowercased()
            let met = actual.map { actual in list.contains { $0.lowercased() == actual } }
            clauses.append(Clause(text: "\(name) in (\(list.joined(separator: ", ")))", met: met))
            return met ?? false
        case let .has(name):
            let met = text(values(name)) != nil
            clauses.append(Clause(text: "has \(name)", met: met))
            return met
        case let .not(inner):
            let before = clauses.count
            let result = !evaluate(inner, values, &clauses)
            if clauses.count == before + 1 {
                // NOT of one clause reads as one clause.
                clauses[before].text = "NOT " + clauses[before].text
                clauses[before].met = clauses[before].met.map { !$0 }
            }
            return result
        case let .and(left, right):
            let a = evaluate(left, values, &clauses)
            let b = evaluate(right, values, &clauses)
            return a && b
        case let .or(left, right):
            let a = evaluate(left, values, &clauses)
            let b = evaluate(right, values, &clauses)
            return a || b
        }
    }
}
