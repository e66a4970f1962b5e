/* Stock document form: add and remove lines in place, product search, barcode scanning (a
 * hardware scanner typing into the scan box, or the camera: static/js/camera_scan.js).
 *
 * The form works without this file (a few empty rows, a "Remove" checkbox per row); this
 * makes it faster. Rows come from the server (`document_line`), so they render exactly as
 * the formset does; TOTAL_FORMS counts every row ever added, removed rows are marked
 * DELETE and hidden, never taken out of the numbering.
 */
(function () {
  "use strict";

  // Django's JavaScript catalogue (base.html loads it before this file) translates.
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, name) { return values[name]; });
  };
  var form = document.getElementById("document-form");
  if (!form) {
    return;
  }
  var rows = document.getElementById("line-rows");
  var totalForms = form.querySelector('input[name$="-TOTAL_FORMS"]');
  var lineUrl = form.dataset.lineUrl;
  var search = document.getElementById("product-search");
  var suggestions = document.getElementById("product-suggestions");
  var scanBox = document.getElementById("scan-box");
  var scanFeedback = document.getElementById("scan-feedback");
  var addButton = document.getElementById("add-line");
  var warehouse = form.querySelector('select[name="warehouse"]');
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    maximumFractionDigits: 3,
    signDisplay: "exceptZero",
  });
  var separators = { decimal: ".", group: "," };
  new Intl.NumberFormat(document.documentElement.lang || undefined).formatToParts(1234.5).forEach(function (part) {
    if (part.type === "decimal" || part.type === "group") {
      separators[part.type] = part.value;
    }
  });
  var focusAdded = false; // the next row htmx brings came from "Add line": put the cursor in it
  var queue = Promise.resolve(); // adds run one after another, so two scans never race

  function enhance(root) {
    root.querySelectorAll("[data-js-only]").forEach(function (element) {
      element.hidden = false;
    });
    root.querySelectorAll("[data-no-js]").forEach(function (element) {
      element.hidden = true;
    });
  }

  function reserveIndex() {
    var index = parseInt(totalForms.value, 10) || 0;
    totalForms.value = String(index + 1);
    return index;
  }

  function liveRows() {
    return Array.prototype.filter.call(rows.querySelectorAll("tr.line-row"), function (row) {
      return !row.hidden;
    });
  }

  function field(row, name) {
    return row.querySelector('[name="' + row.dataset.prefix + "-" + name + '"]');
  }

  function rowIndex(row) {
    var parts = row.dataset.prefix.split("-");
    return parseInt(parts[parts.length - 1], 10);
  }

  function isBlank(row) {
    var product = field(row, "product");
    var quantity = field(row, "quantity");
    return (!product || !product.value.trim()) && (!quantity || !quantity.value.trim());
  }

  function findRow(productId, code) {
    code = (code || "").trim().toLowerCase();
    return liveRows().find(function (row) {
      if (productId && row.dataset.productId === String(productId)) {
        return true;
      }
      var product = field(row, "product");
      return code && product && product.value.trim().toLowerCase() === code;
    });
  }

  // Adds one to a decimal written with a dot ("2" -> "3", "1.5" -> "2.5"); exact for big values.
  // A typed quantity as the page's locale writes it ("1.234,5" in Indonesian): its whole and
  // decimal digits, or null. The server reads numbers the same way (web.fields.read_number).
  function digits(text) {
    var plain = (text || "").replace(/\s/g, "");
    var cut = plain.lastIndexOf(separators.decimal);
    var whole = cut < 0 ? plain : plain.slice(0, cut);
    var decimals = cut < 0 ? "" : plain.slice(cut + 1);
    var groups = whole.split(separators.group);
    if (groups.length > 1) {
      var grouped = groups[0].length <= 3 && groups.slice(1).every(function (g) { return g.length === 3; });
      if (grouped) {
        whole = groups.join("");
      } else if (cut < 0 && groups.length === 2) {
        whole = groups[0]; // a single other mark is a decimal point: "1.5" and "1,5" are 1.5
        decimals = groups[1];
      } else {
        return null;
      }
    }
    if (!/^\d*$/.test(whole) || !/^\d*$/.test(decimals) || !(whole || decimals)) {
      return null;
    }
    return { whole: whole || "0", decimals: decimals };
  }

  function plusOne(text) {
    var number = digits(text);
    if (!number) {
      return "1";
    }
    var whole = (BigInt(number.whole) + 1n).toString();
    return number.decimals ? whole + separators.decimal + number.decimals : whole;
  }

  function flash(row) {
    row.classList.add("table-success");
    window.setTimeout(function () {
      row.classList.remove("table-success");
    }, 800);
  }

  function fetchRow(params, index) {
    var query = new URLSearchParams(params);
    query.set("index", String(index));
    if (warehouse && warehouse.value) {
      query.set("warehouse", warehouse.value); // a stock count's row shows what this warehouse holds
    }
    return fetch(lineUrl + "?" + query.toString(), {
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    }).catch(function () {
      throw new Error(gettext("The server cannot be reached. Check the connection and try again."));
    }).then(function (response) {
      return response.text().then(function (text) {
        if (!response.ok) {
          // The server says why in the user's language; without a reason, say what failed.
          throw new Error(text.trim() || gettext("The line could not be added. Try again."));
        }
        var template = document.createElement("template");
        template.innerHTML = text.trim();
        return template.content.querySelector("tr.line-row");
      });
    });
  }

  function insert(row, replacing) {
    if (replacing) {
      replacing.replaceWith(row);
    } else {
      rows.appendChild(row);
    }
    enhance(row);
    if (window.htmx) {
      window.htmx.process(row);
    }
    showDifference(row);
    flash(row);
    return row;
  }

  /* Put a product on the document: `params` is {product: id} or {code: scanned text}.
   * With `increment`, a product already on a line gets one more; otherwise its line is focused. */
  function addProduct(params, increment) {
    var result = queue.then(function () {
      var existing = findRow(params.product, params.code);
      if (existing) {
        return bump(existing, increment);
      }
      var blank = liveRows().find(isBlank);
      var index = blank ? rowIndex(blank) : reserveIndex();
      return fetchRow(params, index).then(function (row) {
        var same = row && findRow(row.dataset.productId);
        if (same) {
          return bump(same, increment);
        }
        return insert(row, blank);
      });
    });
    queue = result.catch(function () {}); // one failed scan does not block the next
    return result;
  }

  function bump(row, increment) {
    var quantity = field(row, "quantity");
    if (increment && quantity) {
      quantity.value = plusOne(quantity.value);
      showDifference(row);
    } else if (quantity) {
      quantity.focus();
      quantity.select();
    }
    flash(row);
    return row;
  }

  function report(text, isError) {
    if (!scanFeedback) {
      return;
    }
    scanFeedback.textContent = text;
    scanFeedback.classList.toggle("text-danger", Boolean(isError));
  }

  function productLabel(row) {
    var product = field(row, "product");
    var name = row.querySelector(".line-product-name");
    return (product ? product.value : "") + (name ? " · " + name.textContent.trim() : "");
  }

  // What a scan did: the line's quantity, and on a stock count what was expected and the difference.
  function scanResult(row) {
    var quantity = field(row, "quantity").value;
    var expected = row.querySelector(".line-expected");
    if (!expected) {
      return productLabel(row) + " — " + quantity;
    }
    return productLabel(row) + " — " + interpolate(
      gettext("counted %(counted)s, expected %(expected)s, difference %(difference)s"),
      {
        counted: quantity,
        expected: expected.textContent.trim(),
        difference: row.querySelector(".line-difference").textContent.trim(),
      },
      true
    );
  }

  // A scanned code: its product gets a line, or one more on its line.
  function scanned(code) {
    addProduct({ code: code }, true).then(
      function (row) {
        if (row) {
          row.scrollIntoView({ block: "nearest" });
          report(scanResult(row), false);
        }
      },
      function (error) {
        report(error.message, true);
      }
    );
  }

  // Enter in the search or scan box never submits the document.
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") {
      return;
    }
    var target = event.target;
    if (target.matches("[data-no-submit]")) {
      event.preventDefault();
    } else if (target.matches(".line-product")) {
      // A scanner typing into a row: Enter moves on to the quantity instead of saving.
      event.preventDefault();
      var row = target.closest("tr.line-row");
      var quantity = row && field(row, "quantity");
      if (quantity) {
        quantity.focus();
        quantity.select();
      }
    }
  });

  if (scanBox) {
    scanBox.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") {
        return;
      }
      event.preventDefault();
      var code = scanBox.value.trim();
      scanBox.value = "";
      if (code) {
        scanned(code);
      }
    });
    // The camera's reads (static/js/camera_scan.js) take the same path.
    scanBox.addEventListener("gudang:scan", function (event) {
      event.preventDefault();
      scanned(event.detail.code);
    });
  }

  function choose(button) {
    addProduct({ product: button.dataset.productId }, false).then(
      function () {
        suggestions.innerHTML = "";
        search.value = "";
        search.focus();
      },
      function (error) {
        report(error.message, true);
      }
    );
  }

  if (suggestions) {
    suggestions.addEventListener("click", function (event) {
      var button = event.target.closest(".product-suggestion");
      if (button) {
        choose(button);
      }
    });
  }

  if (search) {
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        var first = suggestions.querySelector(".product-suggestion");
        if (first) {
          choose(first);
        }
      } else if (event.key === "ArrowDown") {
        var top = suggestions.querySelector(".product-suggestion");
        if (top) {
          event.preventDefault();
          top.focus();
        }
      } else if (event.key === "Escape") {
        suggestions.innerHTML = "";
      }
    });
    suggestions.addEventListener("keydown", function (event) {
      var current = event.target.closest(".product-suggestion");
      if (!current) {
        return;
      }
      if (event.key === "ArrowDown" && current.nextElementSibling) {
        event.preventDefault();
        current.nextElementSibling.focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (current.previousElementSibling || search).focus();
      } else if (event.key === "Escape") {
        suggestions.innerHTML = "";
        search.focus();
      }
    });
  }

  // "Add line": htmx fetches an empty row; its index is the next TOTAL_FORMS.
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (addButton && event.detail.elt === addButton) {
      event.detail.parameters.index = String(reserveIndex());
      focusAdded = true;
    }
  });
  document.body.addEventListener("htmx:load", function (event) {
    var added = event.target;
    if (added.matches && added.matches("tr.line-row")) {
      enhance(added);
      var product = field(added, "product");
      if (product && focusAdded) {
        product.focus();
      }
      focusAdded = false;
    }
  });

  // A stock count's rows: the difference follows the counted quantity as it is typed.
  function showDifference(row) {
    var cell = row.querySelector(".line-difference");
    var quantity = field(row, "quantity");
    if (!cell || !quantity) {
      return;
    }
    var counted = digits(quantity.value);
    var ok = row.dataset.expected !== undefined && counted;
    cell.textContent = ok
      ? numbers.format(Number(counted.whole + "." + counted.decimals) - Number(row.dataset.expected))
      : "—";
  }

  rows.addEventListener("input", function (event) {
    if (event.target.matches(".line-quantity")) {
      showDifference(event.target.closest("tr.line-row"));
    }
  });

  // Another warehouse: what the rows expected no longer holds (saving, or "Fill from current
  // stock", shows the new figures).
  if (warehouse) {
    warehouse.addEventListener("change", function () {
      rows.querySelectorAll("tr.line-row[data-expected]").forEach(function (row) {
        delete row.dataset.expected;
        row.querySelector(".line-expected").textContent = "—";
        showDifference(row);
      });
    });
  }

  // Remove: mark the row's DELETE box and hide it, so the numbering of the others holds.
  rows.addEventListener("click", function (event) {
    var button = event.target.closest(".line-remove");
    if (!button) {
      return;
    }
    var row = button.closest("tr.line-row");
    var remove = field(row, "DELETE");
    if (remove) {
      remove.checked = true;
    }
    row.hidden = true;
  });

  enhance(document);
})();
