/* Gudang: the form layout editor. Without this script the editor still works: "Move up" /
   "Move down" are submit buttons the server applies. With it, rows are dragged (native
   HTML5 drag and drop) or moved by the same buttons in the page, each within its own group;
   the hidden "order" inputs travel with their rows, so the posted order is the rows' order. */
(function () {
  "use strict";

  var editor = document.getElementById("layout-editor");

  function rowsOf(body) {
    return Array.prototype.filter.call(body.children, function (element) {
      return element.matches("tr[data-key]");
    });
  }

  function refresh(body) {
    var rows = rowsOf(body);
    rows.forEach(function (row, index) {
      var up = row.querySelector("[data-move='up']");
      var down = row.querySelector("[data-move='down']");
      if (up) { up.disabled = index === 0; }
      if (down) { down.disabled = index === rows.length - 1; }
    });
  }

  function changed() {
    var notice = document.querySelector("[data-unsaved-notice]");
    if (notice) { notice.hidden = false; }
  }

  if (editor) {
    // Up and down without a round trip; the focus stays on the pressed button.
    editor.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-move]");
      if (!button || !editor.contains(button)) { return; }
      event.preventDefault();
      var row = button.closest("tr[data-key]");
      var body = row.parentNode;
      if (button.dataset.move === "up" && row.previousElementSibling) {
        body.insertBefore(row, row.previousElementSibling);
      } else if (button.dataset.move === "down" && row.nextElementSibling) {
        body.insertBefore(row.nextElementSibling, row);
      } else {
        return;
      }
      refresh(body);
      if (button.disabled) {  // at an end now: keep the focus in the row
        var other = row.querySelector("[data-move]:not([disabled])");
        if (other) { other.focus(); }
      } else {
        button.focus();
      }
      changed();
    });

    // Drag and drop by the handle, within the row's own group (its <tbody>).
    var dragged = null;

    editor.addEventListener("dragstart", function (event) {
      var handle = event.target.closest && event.target.closest(".drag-handle");
      if (!handle) { return; }
      dragged = handle.closest("tr[data-key]");
      dragged.classList.add("layout-row-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.key);
      if (event.dataTransfer.setDragImage) {
        event.dataTransfer.setDragImage(dragged, 16, 16);
      }
    });

    editor.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      var target = event.target.closest && event.target.closest("tr[data-key]");
      if (!target || target.parentNode !== dragged.parentNode) { return; }
      event.preventDefault();  // a drop is allowed here
      event.dataTransfer.dropEffect = "move";
      if (target === dragged) { return; }
      var box = target.getBoundingClientRect();
      var before = event.clientY < box.top + box.height / 2;
      var reference = before ? target : target.nextElementSibling;
      if (reference !== dragged && dragged.nextElementSibling !== reference) {
        target.parentNode.insertBefore(dragged, reference);
      }
    });

    editor.addEventListener("drop", function (event) {
      if (dragged) { event.preventDefault(); }
    });

    editor.addEventListener("dragend", function () {
      if (!dragged) { return; }
      dragged.classList.remove("layout-row-dragging");
      refresh(dragged.parentNode);
      dragged = null;
      changed();
    });

    // Show or hide: grey the row of a hidden field at once.
    editor.addEventListener("change", function (event) {
      if (event.target.name === "visible") {
        event.target.closest("tr[data-key]").classList.toggle("layout-row-hidden", !event.target.checked);
        changed();
      } else if (event.target.name && event.target.name.indexOf("label_") === 0) {
        changed();
      }
    });
  }

  // Removing a custom field: once the question (data-confirm, gudang.js) is answered yes,
  // no confirmation page is needed. A "no" stops the event before it gets here.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-remove-field]") || event.defaultPrevented) { return; }
    var confirm = document.createElement("input");
    confirm.type = "hidden";
    confirm.name = "confirm";
    confirm.value = "yes";
    form.appendChild(confirm);
  });

  // The definition form: the options box only for a choice field.
  var type = document.querySelector("[data-field-type]");
  var options = document.querySelector("[data-options-group]");
  if (type && options) {
    var show = function () {
      var textarea = options.querySelector("textarea");
      options.hidden = type.value !== "choice" && !(textarea && textarea.classList.contains("is-invalid"));
    };
    type.addEventListener("change", show);
    show();
  }
})();
