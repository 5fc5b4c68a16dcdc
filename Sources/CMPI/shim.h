// Open MPI names its predefined handles with macros that expand to addresses of
// library globals, which Swift cannot import; these inline functions return them.
#include <mpi.h>

static inline MPI_Comm sgan_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype sgan_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype sgan_mpi_int(void) { return MPI_INT; }
static inline MPI_Datatype sgan_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype sgan_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Request sgan_mpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Status *sgan_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline void *sgan_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int sgan_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int sgan_mpi_success(void) { return MPI_SUCCESS; }
