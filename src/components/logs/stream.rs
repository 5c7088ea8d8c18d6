//! One live log stream in the page: the `EventSource`, reconnects with backoff, and the lines
//! in sight, drawn straight into the DOM.
//!
//! Incoming events are only queued (the browser's string, not yet copied). Once per animation
//! frame the queue is parsed into the bounded [`LogBuffer`] within a few milliseconds' budget
//! and the visible window is redrawn, so a burst touches the DOM at most once a frame. The
//! queue itself is capped at [`MAX_LINES`], so a tab in the background (no frames) stays
//! bounded too.
//!
//! The lines are drawn by hand rather than through reactive views: only the few dozen in sight
//! exist, they are rebuilt whole when the window moves, and doing it synchronously lets the
//! scroll position follow in the same frame. That path costs a fraction of the wasm a keyed
//! reactive list does. Log text only ever becomes text nodes; ANSI colours become classes.
//!
//! An `EventSource` sends no `Authorization` header and no credentials, so the API key never
//! reaches a log address.

use instance_model::format::thousands;
use instance_model::logs::{
    event_lines, follows_after_scroll, format_timestamp, is_at_bottom, lines_in_view, lines_px,
    scroll_top_after_drop, segments, Backoff, LogBuffer, LogLine, StreamPhase, MAX_LINES,
    OPEN_TIMEOUT_MS,
};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use std::time::Duration;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, EventSource, HtmlElement, MessageEvent};

/// Time a frame may spend parsing queued lines before leaving the rest for the next frame.
const FRAME_BUDGET_MS: f64 = 6.0;

/// An open `EventSource` and its handler (one for its three events); closing happens on drop.
struct Source {
    events: EventSource,
    _on_event: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Source {
    fn drop(&mut self) {
        self.events.set_onopen(None);
        self.events.set_onmessage(None);
        self.events.set_onerror(None);
        self.events.close();
    }
}

/// The elements the lines are drawn into. Their sizes are set through CSSOM
/// (`style().set_property`), never a `style` attribute, which a Content-Security-Policy without
/// `'unsafe-inline'` for styles (the bundled server's) blocks.
#[derive(Clone)]
pub struct Dom {
    /// The scrolling box.
    pub scroller: Element,
    /// As tall as all shown lines together.
    pub sizer: HtmlElement,
    /// Holds the drawn lines, moved down to where they belong.
    pub rows: HtmlElement,
}

/// What was drawn last, to skip redrawing the same thing.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct Drawn {
    len: usize,
    first_seq: Option<u64>,
    last_seq: Option<u64>,
    look: u64,
}

/// What the panel shows of the stream (its status line, notices, buttons).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    /// `None` when no stream was asked for.
    pub phase: Option<StreamPhase>,
    /// Lines dropped to stay within the cap (queue overflow included).
    pub dropped: u64,
    /// Scroll pinned to the newest line.
    pub follow: bool,
    /// Rendering paused: the number of the first line not to show.
    pub paused_at: Option<u64>,
    /// Lines that arrived while paused.
    pub unseen: u64,
    /// Whether no line is shown (for the "no lines" text).
    pub empty: bool,
}

/// The stream, its lines, and how they are shown. Lives as long as the panel.
pub struct LogStream {
    /// Plain values rather than a signal each: the panel redraws its parts from all of them at
    /// once when `changed` is told, which costs the wasm less.
    shown: Cell<Shown>,
    changed: Trigger,
    buffer: RefCell<LogBuffer>,
    /// Event data as the browser gave it: turned into Rust strings only once a frame takes
    /// them, so lines a burst pushes past the cap are never converted at all.
    queue: RefCell<VecDeque<JsValue>>,
    overflow: Cell<u64>,
    frame_requested: Cell<bool>,
    url: RefCell<Option<String>>,
    source: RefCell<Option<Source>>,
    backoff: Cell<Backoff>,
    retry_timer: Cell<Option<TimeoutHandle>>,
    open_timer: Cell<Option<TimeoutHandle>>,
    dom: RefCell<Option<Dom>>,
    scroll_top: Cell<i32>,
    utc: Cell<bool>,
    /// Bumped when every line must be drawn anew (filter, time zone).
    look: Cell<u64>,
    drawn: Cell<Drawn>,
    /// `buffer.shown_dropped()` as of the last draw, to keep a scrolled-up view steady.
    shown_dropped_seen: Cell<u64>,
    me: Weak<LogStream>,
}

impl LogStream {
    /// A stream with nothing asked for yet; `changed` is told whenever [`LogStream::shown`]
    /// changes.
    pub fn new(changed: Trigger) -> Rc<LogStream> {
        Rc::new_cyclic(|me| LogStream {
            shown: Cell::new(Shown {
                phase: None,
                dropped: 0,
                follow: true,
                paused_at: None,
                unseen: 0,
                empty: true,
            }),
            changed,
            buffer: RefCell::new(LogBuffer::default()),
            queue: RefCell::new(VecDeque::new()),
            overflow: Cell::new(0),
            frame_requested: Cell::new(false),
            url: RefCell::new(None),
            source: RefCell::new(None),
            backoff: Cell::new(Backoff::default()),
            retry_timer: Cell::new(None),
            open_timer: Cell::new(None),
            dom: RefCell::new(None),
            scroll_top: Cell::new(0),
            utc: Cell::new(false),
            look: Cell::new(0),
            drawn: Cell::new(Drawn::default()),
            shown_dropped_seen: Cell::new(0),
            me: me.clone(),
        })
    }

    pub fn shown(&self) -> Shown {
        self.shown.get()
    }

    /// Keeps `shown`, telling the panel if it changed.
    fn show(&self, shown: Shown) {
        if self.shown.replace(shown) != shown {
            self.changed.notify();
        }
    }

    fn set_phase(&self, phase: Option<StreamPhase>) {
        self.show(Shown {
            phase,
            ..self.shown.get()
        });
    }

    // -----------------------------------------------------------------------------------------
    // The connection
    // -----------------------------------------------------------------------------------------

    /// Opens `url` with no lines yet (the filter stays).
    pub fn start(&self, url: String) {
        self.disconnect();
        {
            let mut buffer = self.buffer.borrow_mut();
            let needle = buffer.filter().as_str().to_string();
            *buffer = LogBuffer::default();
            buffer.set_filter(&needle);
        }
        self.queue.borrow_mut().clear();
        self.overflow.set(0);
        self.shown_dropped_seen.set(0);
        self.show(Shown {
            dropped: 0,
            unseen: 0,
            paused_at: None,
            follow: true,
            ..self.shown.get()
        });
        self.scroll_top.set(0);
        self.backoff.set(Backoff::default());
        *self.url.borrow_mut() = Some(url);
        self.draw();
        self.connect(0);
    }

    /// Closes the stream and keeps the lines; [`LogStream::reconnect`] carries on.
    pub fn stop(&self) {
        self.disconnect();
        if self.url.borrow().is_some() {
            self.set_phase(Some(StreamPhase::Stopped));
        }
    }

    /// Opens the stream again now, after a stop or instead of waiting to retry.
    pub fn reconnect(&self) {
        self.disconnect();
        self.backoff.set(Backoff::default());
        self.connect(1);
    }

    /// Closes the stream and forgets it (the panel was closed or has gone).
    pub fn close(&self) {
        self.disconnect();
        *self.url.borrow_mut() = None;
        self.set_phase(None);
    }

    fn disconnect(&self) {
        for timer in [&self.retry_timer, &self.open_timer] {
            if let Some(t) = timer.take() {
                t.clear();
            }
        }
        // Dropping the source closes it and detaches its handlers.
        let _closed = self.source.borrow_mut().take();
    }

    fn connect(&self, attempt: u32) {
        let Some(url) = self.url.borrow().clone() else {
            return;
        };
        if attempt > 0 {
            // A server that replays its tail would repeat what is already here: everything
            // received so far must be in the buffer before it can tell what is new.
            self.take_queued(f64::INFINITY);
            self.buffer.borrow_mut().expect_replay();
        }
        self.set_phase(Some(StreamPhase::Connecting { attempt }));
        let Ok(events) = EventSource::new(&url) else {
            return self.fail();
        };
        let me = self.me.clone();
        let on_event = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(me) = me.upgrade() else { return };
            // Only a message is a `MessageEvent`; the type is not read (a string copied out of
            // the browser) for each of thousands of lines.
            if let Some(message) = event.dyn_ref::<MessageEvent>() {
                me.received(message.data());
            } else if event.type_() == "open" {
                me.opened();
            } else {
                me.fail();
            }
        });
        let callback = on_event.as_ref().unchecked_ref();
        events.set_onopen(Some(callback));
        events.set_onmessage(Some(callback));
        events.set_onerror(Some(callback));
        *self.source.borrow_mut() = Some(Source {
            events,
            _on_event: on_event,
        });
        // EventSource waits forever on a server that accepts and never answers.
        let me = self.me.clone();
        self.open_timer.set(
            set_timeout_with_handle(
                move || {
                    if let Some(me) = me.upgrade() {
                        me.open_timer.set(None);
                        me.fail();
                    }
                },
                Duration::from_millis(u64::from(OPEN_TIMEOUT_MS)),
            )
            .ok(),
        );
    }

    fn opened(&self) {
        if let Some(t) = self.open_timer.take() {
            t.clear();
        }
        let mut backoff = self.backoff.get();
        backoff.reset();
        self.backoff.set(backoff);
        self.set_phase(Some(StreamPhase::Live));
    }

    /// The stream dropped, failed to open, or took too long: close it (the browser's own
    /// retry would ignore the backoff) and try again later.
    fn fail(&self) {
        self.disconnect();
        if self.url.borrow().is_none() {
            return;
        }
        let mut backoff = self.backoff.get();
        let (delay_ms, attempt) = backoff.fail();
        self.backoff.set(backoff);
        self.set_phase(Some(StreamPhase::Reconnecting { delay_ms, attempt }));
        let me = self.me.clone();
        self.retry_timer.set(
            set_timeout_with_handle(
                move || {
                    if let Some(me) = me.upgrade() {
                        me.retry_timer.set(None);
                        me.connect(attempt);
                    }
                },
                Duration::from_millis(u64::from(delay_ms)),
            )
            .ok(),
        );
    }

    fn received(&self, data: JsValue) {
        {
            let mut queue = self.queue.borrow_mut();
            queue.push_back(data);
            if queue.len() > MAX_LINES {
                queue.pop_front();
                self.overflow.set(self.overflow.get() + 1);
            }
        }
        if !self.frame_requested.get() {
            self.request_frame();
        }
    }

    /// The queue is taken at the next animation frame.
    fn request_frame(&self) {
        self.frame_requested.set(true);
        let me = self.me.clone();
        request_animation_frame(move || {
            if let Some(me) = me.upgrade() {
                me.frame_requested.set(false);
                me.on_frame();
            }
        });
    }

    /// Parses queued events into the buffer until `budget_ms` has passed. True if any came.
    fn take_queued(&self, budget_ms: f64) -> bool {
        let started = js_sys::Date::now();
        let mut queue = self.queue.borrow_mut();
        let mut buffer = self.buffer.borrow_mut();
        let mut taken = 0_u32;
        while let Some(data) = queue.pop_front() {
            let Some(data) = data.as_string() else {
                continue;
            };
            for line in event_lines(&data) {
                buffer.push_raw(line);
            }
            taken += 1;
            if taken.is_multiple_of(32) && js_sys::Date::now() - started > budget_ms {
                break;
            }
        }
        taken > 0
    }

    fn on_frame(&self) {
        let took = self.take_queued(FRAME_BUDGET_MS);
        if !self.queue.borrow().is_empty() {
            // More than one frame's worth: the rest next frame.
            self.request_frame();
        }
        if !took {
            return;
        }
        let (dropped, total) = {
            let buffer = self.buffer.borrow();
            (buffer.dropped() + self.overflow.get(), buffer.total())
        };
        let shown = self.shown.get();
        let unseen = match shown.paused_at {
            Some(at) => total.saturating_sub(at),
            None => shown.unseen,
        };
        self.show(Shown {
            dropped,
            unseen,
            ..shown
        });
        if shown.paused_at.is_none() {
            self.draw();
        }
    }

    // -----------------------------------------------------------------------------------------
    // What the user does
    // -----------------------------------------------------------------------------------------

    /// The elements to draw into, once they are in the page.
    pub fn attach(&self, dom: Dom) {
        *self.dom.borrow_mut() = Some(dom);
        self.drawn.set(Drawn::default());
        // Drawing reads the box's height, which forces a layout of the whole page; right after
        // the instance view is built (1,500 table rows for a big instance) that alone took
        // about 100 ms. With no lines there is nothing to draw yet: the first line draws.
        if self.buffer.borrow().shown_len(self.shown.get().paused_at) > 0 {
            self.draw();
        }
    }

    /// The user (or the page) scrolled. Scrolling up leaves follow mode; reaching the bottom
    /// again rejoins it.
    pub fn scrolled(&self) {
        let Some(dom) = self.dom.borrow().clone() else {
            return;
        };
        let top = dom.scroller.scroll_top();
        let at_bottom = is_at_bottom(
            top,
            dom.scroller.client_height(),
            dom.scroller.scroll_height(),
        );
        let previous = self.scroll_top.replace(top);
        let shown = self.shown.get();
        let follow = follows_after_scroll(shown.follow, previous, top, at_bottom);
        self.show(Shown { follow, ..shown });
        self.draw();
    }

    /// Back to the newest line, following.
    pub fn jump_to_latest(&self) {
        self.show(Shown {
            follow: true,
            ..self.shown.get()
        });
        self.draw();
    }

    pub fn set_paused(&self, paused: bool) {
        let paused_at = paused.then(|| self.buffer.borrow().total());
        self.show(Shown {
            unseen: 0,
            paused_at,
            ..self.shown.get()
        });
        if !paused {
            self.draw();
        }
    }

    pub fn set_filter(&self, needle: &str) {
        self.buffer.borrow_mut().set_filter(needle);
        self.shown_dropped_seen.set(0);
        self.look.set(self.look.get() + 1);
        self.draw();
    }

    pub fn set_utc(&self, utc: bool) {
        self.utc.set(utc);
        self.look.set(self.look.get() + 1);
        self.draw();
    }

    // -----------------------------------------------------------------------------------------
    // Drawing
    // -----------------------------------------------------------------------------------------

    /// Draws the lines in sight and puts the scroll where the user wants it: at the newest
    /// line when following, else on the same lines even as old ones drop off the top.
    fn draw(&self) {
        let Some(dom) = self.dom.borrow().clone() else {
            return;
        };
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let buffer = self.buffer.borrow();
        let shown = self.shown.get();
        let following = shown.follow;
        let shown_dropped = buffer.shown_dropped();
        let moved_up = shown_dropped.saturating_sub(self.shown_dropped_seen.replace(shown_dropped));
        let mut top = self.scroll_top.get();
        if !following && moved_up > 0 {
            top = scroll_top_after_drop(top, moved_up);
            self.scroll_top.set(top);
        }
        let len = buffer.shown_len(shown.paused_at);
        let window = lines_in_view(len, following, top, dom.scroller.client_height());
        let (start, end) = (window.start, window.end);
        let drawn = Drawn {
            len,
            first_seq: buffer.shown(start).map(|(seq, _)| seq),
            last_seq: end
                .checked_sub(1)
                .and_then(|i| buffer.shown(i))
                .map(|(seq, _)| seq),
            look: self.look.get(),
        };
        if self.drawn.replace(drawn) != drawn {
            let _ = dom
                .sizer
                .style()
                .set_property("height", &format!("{}px", lines_px(len)));
            let _ = dom.rows.style().set_property(
                "transform",
                &format!("translateY({}px)", window.offset_px()),
            );
            dom.rows.replace_children_with_node_0();
            let utc = self.utc.get();
            for index in start..end {
                if let Some((seq, line)) = buffer.shown(index) {
                    if let Some(row) = draw_line(&document, seq, line, &buffer, utc) {
                        let _ = dom.rows.append_with_node_1(&row);
                    }
                }
            }
        }
        if following {
            dom.scroller.set_scroll_top(dom.scroller.scroll_height());
            // Where the panel itself scrolled, kept now rather than left to the scroll event
            // that follows: WebKit may deliver that one after a scroll of the user's, which
            // would then read as no move at all and keep following.
            self.scroll_top.set(dom.scroller.scroll_top());
        } else if dom.scroller.scroll_top() != top {
            dom.scroller.set_scroll_top(top);
        }
        self.show(Shown {
            empty: len == 0,
            ..shown
        });
    }
}

impl Drop for LogStream {
    fn drop(&mut self) {
        self.disconnect();
    }
}

/// Local time minus UTC at that moment, in minutes, as the browser knows it.
pub fn local_offset_minutes(epoch_ms: f64) -> i32 {
    let offset = js_sys::Date::new(&JsValue::from_f64(epoch_ms)).get_timezone_offset();
    -(offset as i32)
}

fn element(document: &Document, tag: &str, class: &str, text: &str) -> Option<Element> {
    let el = document.create_element(tag).ok()?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    el.set_text_content(Some(text));
    Some(el)
}

/// One line: its time, its text in styled pieces (filter matches in `<mark>`), and a note when
/// it was cut. Text goes in as text, never as markup.
fn draw_line(
    document: &Document,
    seq: u64,
    line: &LogLine,
    buffer: &LogBuffer,
    utc: bool,
) -> Option<Element> {
    let row = document.create_element("div").ok()?;
    row.set_class_name("log-line");
    let _ = row.set_attribute("data-testid", "log-line");
    let _ = row.set_attribute("data-seq", &seq.to_string());
    if let Some(time) = line.time {
        let offset = if utc {
            0
        } else {
            local_offset_minutes(time.epoch_ms())
        };
        let time = element(
            document,
            "span",
            "log-time",
            &format_timestamp(time, offset),
        )?;
        let _ = row.append_with_node_1(&time);
    }
    let matches = buffer.filter().ranges(&line.text);
    for piece in segments(line, &matches) {
        let text = &line.text[piece.range];
        let class = piece.style.classes();
        let _ = if !piece.matched && class.is_empty() {
            row.append_with_str_1(text)
        } else {
            let tag = if piece.matched { "mark" } else { "span" };
            let styled = element(document, tag, &class, text)?;
            row.append_with_node_1(&styled)
        };
    }
    if line.cut_chars > 0 {
        let note = format!(
            " … {} more characters (download the log for all of it)",
            thousands(line.cut_chars as u64)
        );
        let note = element(document, "span", "log-cut", &note)?;
        let _ = row.append_with_node_1(&note);
    }
    Some(row)
}
