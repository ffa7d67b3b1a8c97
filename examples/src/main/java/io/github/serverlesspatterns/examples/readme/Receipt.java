package io.github.serverlesspatterns.examples.readme;

/** The README's receipt for an order: a plain bean. */
public class Receipt {

    private String orderId;
    private String status;

    /** For the serializers. */
    public Receipt() {
    }

    /**
     * @param orderId the order's id
     * @param status  what happened to it
     */
    public Receipt(String orderId, String status) {
        this.orderId = orderId;
        this.status = status;
    }

    /** @return the order's id */
    public String getOrderId() {
        return orderId;
    }

    /** @param orderId the order's id */
    public void setOrderId(String orderId) {
        this.orderId = orderId;
    }

    /** @return what happened to it */
    public String getStatus() {
        return status;
    }

    /** @param status what happened to it */
    public void setStatus(String status) {
        this.status = status;
    }
}
