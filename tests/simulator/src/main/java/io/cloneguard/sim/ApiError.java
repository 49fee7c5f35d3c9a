package io.cloneguard.sim;

/** A Table API failure with the status and error envelope the platform would send. */
final class ApiError extends RuntimeException {
  final int status;
  final String detail;

  ApiError(int status, String message, String detail) {
    super(message + (detail == null ? "" : ": " + detail));
    this.status = status;
    this.detail = detail;
  }

  String title() {
    String m = getMessage();
    return detail == null ? m : m.substring(0, m.length() - detail.length() - 2);
  }

  static ApiError notFound(String table, String sysId) {
    return new ApiError(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval (" + table + "/" + sysId + ")");
  }

  static ApiError rejected(String detail) {
    return new ApiError(403, "Operation Failed", detail);
  }

  static ApiError badRequest(String message, String detail) {
    return new ApiError(400, message, detail);
  }
}
