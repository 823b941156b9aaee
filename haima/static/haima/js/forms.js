// After a failed submit, the page comes back with errors: put the cursor on
// the first field the server refused (aria-invalid="true"), so keyboard and
// screen-reader users land where the problem is and hear its message
// (aria-describedby). Without such a field, a form-level error is focused.
(function () {
  "use strict";

  function focusFirstError() {
    var field = document.querySelector(
      'form [aria-invalid="true"]:not([type="hidden"]):not([disabled])'
    );
    if (field) {
      field.focus();
      return;
    }
    var error = document.querySelector("form .form-error");
    if (error) {
      error.setAttribute("tabindex", "-1");
      error.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusFirstError);
  } else {
    focusFirstError();
  }
})();
