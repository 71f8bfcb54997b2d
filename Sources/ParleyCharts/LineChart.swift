/// Lines over categories (weeks, say), one per series, with a dot at each
/// value, and marked moments as dashed vertical lines.
public struct LineChart: Sendable, Equatable {
    public var title: String
    public var categories: [String]
    public var series: [ChartSeries]
    public var markers: [ChartMarker]
    public var format: ValueFormat
    public var width: Double
    public var height: Double

    public init(title: String, categories: [String], series: [ChartSeries], markers: [ChartMarker] = [],
                format: ValueFormat = .number, width: Double = 720, height: Double = 300) {
        self.title = title
        self.categories = categories
        self.series = series
        self.markers = markers
        self.format = format
        self.width = width
        self.height = height
    }

    /// The chart as one `<svg>` element.
    public func svg() -> String {
        let names = series.map(\.name)
        let rows = ChartCanvas.legendRows(names, width: width, left: 56, right: 16)
        let frame = Frame(width: width, height: height + Double(max(0, rows - 1)) * 16, bottom: 44 + Double(rows) * 16)
        let axis = ValueAxis(values: series.flatMap { $0.values.compactMap { $0 } }, format: format)
        var canvas = ChartCanvas(frame: frame, title: title, axis: axis, format: format)
        canvas.valueAxis()
        let band = frame.plotWidth / Double(max(1, categories.count))
        func x(_ position: Double) -> Double { frame.left + band * (position + 0.5) }
        canvas.categoryAxis(categories) { x(Double($0)) }
        for marker in markers {
            let at = coordinate(x(marker.position))
            canvas.out += "<g class=\"marker\"><line x1=\"\(at)\" x2=\"\(at)\" y1=\"\(coordinate(frame.top))\" y2=\"\(coordinate(frame.top + frame.plotHeight))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>"
            canvas.out += "<text x=\"\(at)\" y=\"\(coordinate(frame.top - 4))\" text-anchor=\"middle\" font-size=\"10\" fill=\"#666\">\(Markup.escape(marker.label))</text></g>"
        }
        for (index, line) in series.enumerated() {
            let colour = Palette.colour(index)
            canvas.out += "<g class=\"series\" data-series=\"\(index)\" data-name=\"\(Markup.escape(line.name))\">"
            // A gap (nil) ends one polyline and the next value starts another.
            var run: [String] = []
            func flush() {
                if run.count > 1 {
                    canvas.out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(run.joined(separator: " "))\"/>"
                }
                run = []
            }
            for (position, value) in line.values.enumerated() {
                guard let value, position < categories.count else {
                    flush()
                    continue
                }
                let px = coordinate(x(Double(position))), py = coordinate(frame.y(value, axis))
                run.append("\(px),\(py)")
                canvas.out += "<circle class=\"point\" data-index=\"\(position)\" cx=\"\(px)\" cy=\"\(py)\" r=\"3\" fill=\"\(colour)\"><title>\(Markup.escape("\(line.name), \(categories[position]): \(format.text(value))"))</title></circle>"
            }
            flush()
            canvas.out += "</g>"
        }
        canvas.legend(names)
        return canvas.close()
    }
}
