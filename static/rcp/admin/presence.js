/* The "currently editing" notice of the profile editor (rcp/admin/presence.py).
 *
 * Posts a heartbeat when the page opens, every 30 seconds, and when the page becomes visible
 * again; shows the lines the server answers (who else has the profile open, who saved it since
 * this page was opened) in the notice at the top of the page, a role="status" region that
 * screen readers announce. Leaving the page tells the server, so colleagues stop seeing us.
 */
(function () {
    "use strict";

    function start() {
        var notice = document.querySelector(".editing-notice[data-presence-url]");
        var form = document.getElementById("process_form");
        if (!notice || !form) {
            return;
        }
        var url = notice.getAttribute("data-presence-url");
        var seconds = parseInt(notice.getAttribute("data-presence-interval"), 10) || 30;
        var list = notice.querySelector(".editing-notice__lines");

        function body(leaving) {
            var data = new URLSearchParams();
            ["csrfmiddlewaretoken", "opened_version", "opened_at"].forEach(function (name) {
                var input = form.querySelector("input[name='" + name + "']");
                if (input) {
                    data.set(name, input.value);
                }
            });
            if (leaving) {
                data.set("leaving", "1");
            }
            return data;
        }

        function show(lines) {
            var same = list.children.length === lines.length && lines.every(function (line, i) {
                return list.children[i].textContent === line;
            });
            if (same) {
                return; // a status region announces every change: change nothing needlessly
            }
            list.replaceChildren.apply(list, lines.map(function (line) {
                var item = document.createElement("li");
                item.textContent = line;
                return item;
            }));
            notice.toggleAttribute("data-empty", lines.length === 0);
        }

        function beat() {
            fetch(url, {
                method: "POST",
                body: body(false),
                credentials: "same-origin",
                headers: {"X-Requested-With": "XMLHttpRequest"}
            }).then(function (response) {
                return response.ok ? response.json() : null;
            }).then(function (answer) {
                if (answer && Array.isArray(answer.messages)) {
                    show(answer.messages);
                }
            }).catch(function () {
                /* Offline for a moment: the next heartbeat tries again. */
            });
        }

        beat();
        window.setInterval(beat, seconds * 1000);
        document.addEventListener("visibilitychange", function () {
            if (document.visibilityState === "visible") {
                beat();
            }
        });
        window.addEventListener("pagehide", function () {
            if (navigator.sendBeacon) {
                navigator.sendBeacon(url, body(true));
            }
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
