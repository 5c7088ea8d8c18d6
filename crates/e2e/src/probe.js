// The harness's recorder, put into every page the test sites serve as the first script of
// index.html (an external file of the page's own origin, which its Content-Security-Policy
// allows), so it runs before any of the app's code. It records, in the page as
// `window.__e2e` and at the harness (POST /__e2e/report, kept across navigations):
// - every Content-Security-Policy violation (a test fails on any, see lib.rs);
// - every console message and uncaught error, in every engine alike (chromedriver's log
//   endpoint exists in Chromium only).
(function () {
  'use strict';
  var page = Math.random().toString(36).slice(2);
  var seq = 0;
  var state = { page: page, violations: [], console: [], errors: [] };
  Object.defineProperty(window, '__e2e', { value: state });

  function send(kind, record) {
    record.kind = kind;
    record.page = page;
    record.seq = seq++;
    var body = JSON.stringify(record);
    try {
      if (!navigator.sendBeacon('/__e2e/report', body)) {
        fetch('/__e2e/report', { method: 'POST', body: body }).catch(function () {});
      }
    } catch (e) {
      // Nothing to report to once the harness's server is stopped.
    }
    return record;
  }

  function text(value) {
    if (typeof value === 'string') return value;
    if (value instanceof Error) return value.stack || String(value);
    try {
      return JSON.stringify(value);
    } catch (e) {
      return String(value);
    }
  }

  window.addEventListener('securitypolicyviolation', function (e) {
    state.violations.push(send('violation', {
      directive: e.effectiveDirective || e.violatedDirective,
      blockedURI: e.blockedURI,
      sourceFile: e.sourceFile,
      line: e.lineNumber,
      column: e.columnNumber,
      sample: e.sample,
      disposition: e.disposition,
    }));
  }, true);

  ['log', 'info', 'warn', 'error', 'debug'].forEach(function (level) {
    var original = console[level];
    console[level] = function () {
      var message = Array.prototype.map.call(arguments, text).join(' ');
      state.console.push(send('console', { level: level, text: message }));
      return original.apply(this, arguments);
    };
  });

  window.addEventListener('error', function (e) {
    state.errors.push(send('error', { text: text(e.error || e.message) }));
  });
  window.addEventListener('unhandledrejection', function (e) {
    state.errors.push(send('error', { text: 'unhandled rejection: ' + text(e.reason) }));
  });
})();
