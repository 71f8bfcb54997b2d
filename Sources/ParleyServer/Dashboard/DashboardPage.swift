import Foundation
import Mustache
import ParleyApp
import ParleyCore

/// What every page shows around its content: who is signed in, the form
/// token, the moment replayed (`?as_of=`), and a message from the last form.
struct PageContext: Sendable {
    var member: String
    var csrf: String
    var path: String
    /// The `as_of` date asked for, as given.
    var asOf: String?
    var window: ReplayWindow
    var error: String?
    var notice: String?
    /// Other query parameters a date picker must keep (`by=campaign`).
    var keep: [String: String] = [:]

    /// Forms show only when the page shows now: the past is read-only.
    var live: Bool { asOf == nil }
    var asOfSuffix: String { asOf.map { "?as_of=" + $0 } ?? "" }
}

/// A page ready to render: its template, title, the nav entry it lights, and its model.
struct RenderedPage: Sendable {
    var html: String
}

enum Page {
    /// Renders `template` with `model` and the page's common parts.
    static func render(_ template: String, title: String, nav: String, _ model: [String: Any], _ page: PageContext) -> RenderedPage {
        var model = model
        model["title"] = title
        model["member"] = page.member
        model["csrf"] = page.csrf
        model["path"] = page.path
        model["asof_suffix"] = page.asOfSuffix
        model["live"] = page.live
        model["nav_" + nav] = true
        if let asOf = page.asOf { model["as_of"] = asOf }
        if let error = page.error { model["error"] = error }
        if let notice = page.notice { model["notice"] = notice }
        model["extra_query"] = page.keep.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] }
        let html = DashboardFiles.library.render(blanked(model), withTemplate: template)
            ?? "<!doctype html><title>Parley</title><p>The page \(template) is missing from this build.</p>"
        return RenderedPage(html: html)
    }

    /// `value` with every empty text made a ``Blank``: swift-mustache opens a
    /// section for any string, even an empty one, so `{{#reason}}…{{/reason}}`
    /// would show its frame around nothing.
    static func blanked(_ value: Any) -> Any {
        switch value {
        case let text as String: text.isEmpty ? Blank() : text
        case let dictionary as [String: Any]: dictionary.mapValues(blanked)
        case let array as [Any]: array.map(blanked)
        default: value
        }
    }

    /// An empty text: shown as nothing, and false to a section.
    struct Blank: MustacheCustomRenderable {
        var renderText: String { "" }
        var isNull: Bool { true }
    }
}
