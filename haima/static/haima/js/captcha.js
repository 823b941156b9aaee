// Captcha widgets ([data-captcha]): a click on the image loads a new captcha;
// leaving the answer box pre-checks it and shows ✓ or ✗. A wrong answer spends
// the captcha on the server, so a new one is loaded at once.
(function () {
  "use strict";

  function csrfToken(widget) {
    var form = widget.closest("form");
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setUp(widget) {
    var image = widget.querySelector("[data-captcha-image]");
    var key = widget.querySelector("input[type=hidden]");
    var answer = widget.querySelector("input[type=text]");
    var status = widget.querySelector("[data-captcha-status]");
    if (!image) { return; }  // refused (too many captchas): nothing to refresh

    function show(text, state) {
      status.textContent = text;
      status.className = "captcha-status" + (state ? " " + state : "");
    }

    function refresh() {
      return fetch("/api/v1/captcha", { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          if (!body.data) { show(body.message, "fail"); return; }  // e.g. 429
          key.value = body.data.key;
          image.src = body.data.image_url;
          answer.value = "";
        });
    }

    // Other scripts ask for a new captcha after an action spent this one.
    widget.addEventListener("captcha:refresh", function () { show("", ""); refresh(); });

    image.addEventListener("click", function () {
      show("", "");
      refresh().then(function () { answer.focus(); });
    });

    answer.addEventListener("blur", function () {
      if (!answer.value.trim()) { show("", ""); return; }
      var checked = key.value;
      fetch("/api/v1/captcha/check", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(widget) },
        body: JSON.stringify({ key: checked, answer: answer.value })
      }).then(function (response) {
        if (key.value !== checked) { return; }  // a newer captcha is shown
        if (response.ok) {
          show("✓ " + widget.dataset.okText, "ok");
        } else {
          show("✗ " + widget.dataset.failText, "fail");
          refresh();
        }
      });
    });
  }

  document.querySelectorAll("[data-captcha]").forEach(setUp);
})();
