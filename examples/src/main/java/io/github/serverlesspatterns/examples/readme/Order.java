package io.github.serverlesspatterns.examples.readme;

/** The README's order: a plain bean, as the Lambda runtime's serialization and Jackson read it. */
public class Order {

    private String orderId;
    private int quantity;

    /** For the serializers. */
    public Order() {
    }

    /**
     * @param orderId  the order's id
     * @param quantity how many
     */
    public Order(String orderId, int quantity) {
        this.orderId = orderId;
        this.quantity = quantity;
    }

    /** @return the order's id */
    public String getOrderId() {
        return orderId;
    }

    /** @param orderId the order's id */
    public void setOrderId(String orderId) {
        this.orderId = orderId;
    }

    /** @return how many */
    public int getQuantity() {
        return quantity;
    }

    /** @param quantity how many */
    public void setQuantity(int quantity) {
        this.quantity = quantity;
    }
}
