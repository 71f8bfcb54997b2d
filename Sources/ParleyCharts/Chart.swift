/// Charts as SVG text, drawn on the server: series in, one `<svg>` element
/// out, with its axes, labels and legend, and every piece of text escaped.
/// Used by the retrospective report and the dashboard; it knows nothing of
/// Parley's events or views.
///
/// ```swift
/// let chart = LineChart(title: "Leads sent per week", categories: ["Mar 2", "Mar 9"],
///                       series: [ChartSeries("Partner", [12, 17])])
/// let svg = chart.svg()
/// ```
///
/// ## Topics
/// - ``LineChart``, ``BarChart``
/// - ``ChartSeries``, ``ChartMarker``, ``ValueFormat``

/// One named series: a value per category, nil where there is none (a gap).
public struct ChartSeries: Sendable, Equatable {
    public var name: String
    public var values: [Double?]

    public init(_ name: String, _ values: [Double?]) {
        self.name = name
        self.values = values
    }
}

/// A marked moment on a time axis (a new criteria version, say): a dashed
/// line at `position`, counted in categories from the first one's centre
/// (1.5 is halfway between the second and the third).
public struct ChartMarker: Sendable, Equatable {
    public var position: Double
    public var label: String

    public init(at position: Double, _ label: String) {
        self.position = position
        self.label = label
    }
}

/// How values read on the axis.
public enum ValueFormat: Sendable, Equatable {
    /// Plain numbers.
    case number
    /// Shares from 0 to 1, shown as percentages; the axis runs to 100%.
    case percent

    func text(_ value: Double) -> String {
        switch self {
        case .percent:
            return "\(Int((value * 100).rounded()))%"
        case .number:
            if value == value.rounded() { return grouped(Int64(value)) }
            return String(Double(Int((value * 10).rounded())) / 10)
        }
    }

    private func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }
}

/// The scale of the value axis: from 0 to a round maximum, with its ticks.
struct ValueAxis: Equatable {
    var maximum: Double
    var ticks: [Double]

    init(values: [Double], format: ValueFormat) {
        if format == .percent {
            maximum = 1
            ticks = [0, 0.25, 0.5, 0.75, 1]
            return
        }
        let top = values.max() ?? 0
        guard top > 0 else {
            maximum = 1
            ticks = [0, 1]
            return
        }
        // A step of 1, 2 or 5 times a power of ten, so that 4 to 5 steps cover the largest value.
        var magnitude = 1.0
        while magnitude * 10 <= top / 4 { magnitude *= 10 }
        while magnitude > top / 4 && magnitude > 1 { magnitude /= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 * 5 >= top } ?? magnitude * 10
        let steps = max(1, Int((top / step).rounded(.up)))
        maximum = Double(steps) * step
        ticks = (0...steps).map { Double($0) * step }
    }
}

/// The frame every chart draws in.
struct Frame {
    var width: Double
    var height: Double
    var left = 56.0
    var right = 16.0
    var top = 40.0
    var bottom: Double

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    func y(_ value: Double, _ axis: ValueAxis) -> Double {
        top + plotHeight * (1 - value / axis.maximum)
    }
}

/// Colours that stay apart for readers with colour-blindness (Okabe and Ito).
enum Palette {
    static let colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
    static func colour(_ index: Int) -> String { colours[index % colours.count] }
}

/// Text made safe inside SVG (and HTML) elements and attributes.
public enum Markup {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// Numbers as SVG attributes: two decimals at most.
func coordinate(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}

/// The parts both kinds of chart share: the opening, the title, the value
/// axis with its grid, the category labels and the legend.
struct ChartCanvas {
    var frame: Frame
    var title: String
    var axis: ValueAxis
    var format: ValueFormat
    /// How much lower than usual the legend goes, below slanted category labels.
    var labelDepth = 0.0
    var out = ""

    init(frame: Frame, title: String, axis: ValueAxis, format: ValueFormat) {
        self.frame = frame
        self.title = title
        self.axis = axis
        self.format = format
        let w = coordinate(frame.width), h = coordinate(frame.height)
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" role=\"img\" aria-label=\"\(Markup.escape(title))\" font-family=\"system-ui, sans-serif\" font-size=\"12\">"
        out += "<title>\(Markup.escape(title))</title>"
        out += "<text class=\"chart-title\" x=\"\(coordinate(frame.left))\" y=\"20\" font-size=\"14\" font-weight=\"600\" fill=\"#222\">\(Markup.escape(title))</text>"
    }

    /// Horizontal grid lines with their values on the left.
    mutating func valueAxis() {
        out += "<g class=\"value-axis\">"
        for tick in axis.ticks {
            let y = coordinate(frame.y(tick, axis))
            out += "<g class=\"tick\"><line class=\"grid\" x1=\"\(coordinate(frame.left))\" x2=\"\(coordinate(frame.width - frame.right))\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#ddd\"/>"
            out += "<text class=\"tick-label\" x=\"\(coordinate(frame.left - 6))\" y=\"\(y)\" dy=\"4\" text-anchor=\"end\" fill=\"#555\">\(Markup.escape(format.text(tick)))</text></g>"
        }
        out += "</g>"
    }

    /// The category labels under the plot. `thin` shows every few where
    /// they would overlap (weeks on a time axis); otherwise every label
    /// shows, slanted when one is wider than its place (see ``slantedLength(_:room:)``).
    mutating func categoryAxis(_ categories: [String], thin: Bool = true, x: (Int) -> Double) {
        let baseline = coordinate(frame.top + frame.plotHeight)
        out += "<g class=\"category-axis\"><line x1=\"\(coordinate(frame.left))\" x2=\"\(coordinate(frame.width - frame.right))\" y1=\"\(baseline)\" y2=\"\(baseline)\" stroke=\"#888\"/>"
        let widest = categories.map(\.count).max() ?? 0
        let room = frame.plotWidth / Double(max(1, categories.count))
        let every = thin ? max(1, Int((Double(widest) * 6.5 + 8) / room) + 1) : 1
        let slanted = !thin && Self.slantedLength(categories, room: room) > 0
        let fits = slanted ? Self.slantedCharacters : max(3, Int((room - 4) / 6.5))
        for (index, category) in categories.enumerated() where index % every == 0 {
            let shown = thin || category.count <= fits ? category : String(category.prefix(fits - 1)) + "…"
            let x = coordinate(x(index)), y = coordinate(frame.top + frame.plotHeight + 16)
            out += slanted
                ? "<text class=\"category\" x=\"\(x)\" y=\"\(y)\" text-anchor=\"end\" transform=\"rotate(-40 \(x) \(y))\" fill=\"#555\">"
                : "<text class=\"category\" x=\"\(x)\" y=\"\(y)\" text-anchor=\"middle\" fill=\"#555\">"
            out += shown == category ? Markup.escape(category) : "<title>\(Markup.escape(category))</title>\(Markup.escape(shown))"
            out += "</text>"
        }
        out += "</g>"
    }

    /// Characters a slanted label shows before it is cut (the whole name is its tooltip).
    static let slantedCharacters = 18

    /// The length, in points, of the longest label as it is drawn slanted
    /// because one of them is wider than its place (`room`, in points); 0
    /// when every label fits level. A slanted label reaches down sin 40°
    /// and left cos 40° of that from its category's middle.
    static func slantedLength(_ categories: [String], room: Double) -> Double {
        let widest = categories.map(\.count).max() ?? 0
        guard Double(widest) * 6.5 > room - 4 else { return 0 }
        return Double(min(widest, slantedCharacters)) * 6.5
    }

    /// A swatch and a name per series, in rows along the bottom.
    mutating func legend(_ names: [String]) {
        out += "<g class=\"legend\">"
        var x = frame.left
        var y = frame.top + frame.plotHeight + 38 + labelDepth
        for (index, name) in names.enumerated() {
            let width = 22 + Double(name.count) * 7 + 14
            if x + width > frame.width - frame.right && x > frame.left {
                x = frame.left
                y += 16
            }
            out += "<g class=\"legend-item\"><rect x=\"\(coordinate(x))\" y=\"\(coordinate(y - 9))\" width=\"14\" height=\"10\" fill=\"\(Palette.colour(index))\"/>"
            out += "<text x=\"\(coordinate(x + 18))\" y=\"\(coordinate(y))\" fill=\"#333\">\(Markup.escape(name))</text></g>"
            x += width
        }
        out += "</g>"
    }

    /// Rows the legend needs, to size the frame before drawing.
    static func legendRows(_ names: [String], width: Double, left: Double, right: Double) -> Int {
        var rows = names.isEmpty ? 0 : 1
        var x = left
        for name in names {
            let itemWidth = 22 + Double(name.count) * 7 + 14
            if x + itemWidth > width - right && x > left {
                rows += 1
                x = left
            }
            x += itemWidth
        }
        return rows
    }

    mutating func close() -> String {
        out += "</svg>"
        return out
    }
}
