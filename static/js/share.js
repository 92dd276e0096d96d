/* Share buttons under a post: progressive enhancement, no framework.
 *
 * templates/includes/share.html renders both buttons `hidden`. Each is shown
 * only where the browser can do what it says: "Share…" with the Web Share API,
 * "Copy link" with the Clipboard API (secure contexts only). The result of a
 * copy is announced in the box's aria-live region.
 */
(function () {
    "use strict";

    function announce(status, message) {
        if (!status) {
            return;
        }
        // Cleared first so that the same message twice is announced twice.
        status.textContent = "";
        window.setTimeout(function () {
            status.textContent = message;
        }, 50);
    }

    function enhance(box) {
        var url = box.getAttribute("data-share-url") || window.location.href;
        var title = box.getAttribute("data-share-title") || document.title;
        var text = box.getAttribute("data-share-text") || "";
        var status = box.querySelector("[data-share-status]");
        var shareButton = box.querySelector("[data-share-native]");
        var copyButton = box.querySelector("[data-share-copy]");

        if (shareButton && typeof navigator.share === "function") {
            shareButton.hidden = false;
            shareButton.addEventListener("click", function () {
                var data = { title: title, url: url };
                if (text) {
                    data.text = text;
                }
                navigator.share(data).catch(function (error) {
                    // AbortError: the visitor closed the share sheet.
                    if (error && error.name !== "AbortError") {
                        announce(status, "Sharing did not work. Copy the address from the address bar.");
                    }
                });
            });
        }

        if (copyButton && navigator.clipboard && typeof navigator.clipboard.writeText === "function") {
            copyButton.hidden = false;
            copyButton.addEventListener("click", function () {
                navigator.clipboard.writeText(url).then(
                    function () {
                        announce(status, "Link copied");
                    },
                    function () {
                        announce(status, "Could not copy the link. Copy it from the address bar.");
                    }
                );
            });
        }
    }

    document.querySelectorAll("[data-share]").forEach(enhance);
})();
